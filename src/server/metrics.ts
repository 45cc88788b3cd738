import type { TerminateReason } from '../handler/reasons.js';
import type { HttpVersion } from '../handler/request.js';

/**
 * Counters a user can read or export (Prometheus, logs): cheap integer bumps on the hot path, a
 * plain-object `snapshot()` for exporters.
 */

/** How many connections ended, by {@link TerminateReason} type. */
export type TerminatedCounts = Readonly<Record<TerminateReason['type'], number>>;

/** Connections by the HTTP version of their handshake (the keys of `UpgradeRequest.httpVersion`). */
export type UpgradedCounts = Readonly<Record<HttpVersion, number>>;

/** A plain copy of every counter ({@link Metrics.snapshot}), safe to serialize or diff. */
export interface MetricsSnapshot {
  /** Connections upgraded and not yet terminated. */
  readonly open: number;
  /** Messages and control frames received from peers. */
  readonly framesIn: number;
  /** Frames written to peers (including broadcasts and close frames). */
  readonly framesOut: number;
  /** How many connections ended, by reason type (`normal`: init answered with plain HTTP). */
  readonly terminated: TerminatedCounts;
  /** Connections upgraded so far, by HTTP version. */
  readonly upgraded: UpgradedCounts;
  /** The largest outbound queue (bytes buffered in user space) any connection reached. */
  readonly peakQueueBytes: number;
  /** Messages (frames and infos) waiting for busy handlers now, over all connections. */
  readonly mailboxQueued: number;
  /** The longest mailbox any connection reached. */
  readonly mailboxPeak: number;
  /** Infos refused by a full mailbox (`mailboxOverflow: 'drop'`). */
  readonly infosDropped: number;
}

/**
 * Live counters of one server or attachment ({@link RodeoServer.metrics},
 * {@link RodeoAttachment.metrics}): cheap to read at any time, e.g. for a Prometheus exporter.
 * Every counter starts at zero; all but `open` and `mailboxQueued` only grow.
 */
export interface Metrics {
  /** Connections upgraded and not yet terminated. */
  readonly open: number;
  /** Messages and control frames received from peers. */
  readonly framesIn: number;
  /** Frames written to peers (including broadcasts and close frames). */
  readonly framesOut: number;
  /** How many connections ended, by reason type (`normal`: init answered with plain HTTP). */
  readonly terminated: TerminatedCounts;
  /**
   * Connections upgraded so far, by the HTTP version that carried them: `HTTP/1.1` (one TCP or TLS
   * connection each) or `HTTP/2` (streams of shared connections, RFC 8441).
   */
  readonly upgraded: UpgradedCounts;
  /** The largest outbound queue in bytes any connection reached. */
  readonly peakQueueBytes: number;
  /** Messages (frames and infos) waiting for busy handlers now, over all connections. */
  readonly mailboxQueued: number;
  /** The longest mailbox (messages waiting for a busy handler) any connection reached. */
  readonly mailboxPeak: number;
  /** Infos refused because a mailbox was full (`mailboxOverflow: 'drop'`). */
  readonly infosDropped: number;
  /** A plain copy, safe to serialize. */
  snapshot(): MetricsSnapshot;
}

/** The writable side, used by the server internals. */
export interface MetricsRecorder extends Metrics {
  opened(httpVersion: HttpVersion): void;
  frameIn(): void;
  framesSent(count: number): void;
  queued(bytes: number): void;
  mailbox(delta: number, length: number): void;
  infoDropped(): void;
  ended(reason: TerminateReason, wasOpen: boolean): void;
}

/** Fresh counters at zero. */
export function createMetrics(): MetricsRecorder {
  const terminated: Record<TerminateReason['type'], number> = {
    normal: 0,
    remote: 0,
    stop: 0,
    timeout: 0,
    crash: 0,
    error: 0,
    shutdown: 0,
    backpressure: 0,
  };
  const upgraded: Record<HttpVersion, number> = { 'HTTP/1.1': 0, 'HTTP/2': 0 };
  let open = 0;
  let framesIn = 0;
  let framesOut = 0;
  let peakQueueBytes = 0;
  let mailboxQueued = 0;
  let mailboxPeak = 0;
  let infosDropped = 0;
  const metrics: MetricsRecorder = {
    get open() {
      return open;
    },
    get framesIn() {
      return framesIn;
    },
    get framesOut() {
      return framesOut;
    },
    get peakQueueBytes() {
      return peakQueueBytes;
    },
    get mailboxQueued() {
      return mailboxQueued;
    },
    get mailboxPeak() {
      return mailboxPeak;
    },
    get infosDropped() {
      return infosDropped;
    },
    terminated,
    upgraded,
    snapshot: () => ({
      open,
      framesIn,
      framesOut,
      peakQueueBytes,
      mailboxQueued,
      mailboxPeak,
      infosDropped,
      terminated: { ...terminated },
      upgraded: { ...upgraded },
    }),
    opened: (httpVersion) => {
      open++;
      upgraded[httpVersion]++;
    },
    frameIn: () => void framesIn++,
    framesSent: (count) => void (framesOut += count),
    queued: (bytes) => {
      if (bytes > peakQueueBytes) peakQueueBytes = bytes;
    },
    mailbox: (delta, length) => {
      mailboxQueued += delta;
      if (length > mailboxPeak) mailboxPeak = length;
    },
    infoDropped: () => void infosDropped++,
    ended: (reason, wasOpen) => {
      terminated[reason.type]++;
      if (wasOpen) open--;
    },
  };
  return metrics;
}
