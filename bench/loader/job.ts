/**
 * What the orchestrator asks a loader process to do, and what the loader answers. Jobs travel as
 * JSON in `argv[2]`; answers come back as one `RESULT <json>` line on stdout.
 */
import type { Target } from './connect.js';

/** Fields every timed job has. */
interface Timed {
  readonly target: Target;
  /** Bytes of application payload per message. */
  readonly payload: number;
  readonly warmupMs: number;
  readonly measureMs: number;
  /** The server process (or processes, added up), whose CPU time is read over the window. */
  readonly serverPid: number | readonly number[];
}

/** Pipelined echo (or multi-frame) throughput. */
export interface ThroughputJob extends Timed {
  readonly kind: 'throughput';
  readonly connections: number;
  /** Requests in flight per connection. */
  readonly window: number;
  /** Reply frames per request (1 for echo, 10 for multi-frame). */
  readonly framesPerRequest: number;
}

/** Round trips at a fixed request rate. */
export interface LatencyJob extends Timed {
  readonly kind: 'latency';
  readonly connections: number;
  /** Requests per second across all connections. */
  readonly rate: number;
}

/** Connect, upgrade, one echo, close; many at once. */
export interface HandshakeJob extends Timed {
  readonly kind: 'handshakes';
  readonly concurrency: number;
}

/** Every message sent on the first connection is delivered by the server to the whole group. */
export interface BroadcastJob extends Timed {
  readonly kind: 'broadcast';
  readonly connections: number;
  /** More nodes of the same group: connections are spread round-robin over `target` and these. */
  readonly spread?: readonly Target[];
  /** Broadcasts in flight. */
  readonly window: number;
}

/**
 * Info from one node to another at a fixed rate: `pairs` receivers on `receivers` (each the target
 * of its own sender), `pairs` senders on `target`; each message sent is relayed by the server to
 * its pair on the other node.
 */
export interface CrossLatencyJob extends Timed {
  readonly kind: 'crossLatency';
  readonly receivers: Target;
  readonly pairs: number;
  /** Messages per second across all senders. */
  readonly rate: number;
}

/** Opens idle connections, exchanges one message on each, reports READY and holds them. */
export interface IdleJob {
  readonly kind: 'idle';
  readonly target: Target;
  readonly connections: number;
  readonly payload: number;
  /** Longest hold before the loader closes everything by itself. */
  readonly holdMs: number;
}

/** Any loader job. */
export type Job =
  ThroughputJob | LatencyJob | HandshakeJob | BroadcastJob | CrossLatencyJob | IdleJob;

/** CPU use over the measured window, in percent of one core. */
export interface CpuShare {
  readonly server: number;
  readonly loader: number;
}

/** A loader's answer. */
export interface JobResult {
  /** The scenario's figure (messages/s, µs, handshakes/s, deliveries/s, connections). */
  readonly value: number;
  readonly cpu?: CpuShare;
  /** Supporting figures (percentiles, achieved rate, errors). */
  readonly extra?: Readonly<Record<string, number>>;
}
