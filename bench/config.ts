/** Bench settings: the full run and the `--quick` one (each scenario under a minute). */

/** How long and how big each scenario is. */
export interface Settings {
  readonly quick: boolean;
  /**
   * Pin the server to core 0 and the loader to core 1. Off by default: on this VM a wake-up across
   * cores costs hundreds of µs, which swamps latency-bound scenarios (see docs/performance.md).
   */
  readonly pin: boolean;
  /** tsc output the Node servers and the loader run from; `null`: through tsx. */
  readonly jsRoot: string | null;
  /** Rounds, each running every row once (see `inRoundOrder`); medians are over rounds. */
  readonly rounds: number;
  readonly warmupMs: number;
  readonly measureMs: number;
  /** Connections of the throughput, latency and multi-frame scenarios. */
  readonly connections: number;
  /** Requests in flight per connection (echo 64 B / 16 KiB / multi-frame). */
  readonly window: { readonly small: number; readonly large: number; readonly multi: number };
  /** Requests per second of the latency scenario, below every server's saturation. */
  readonly latencyRate: number;
  /** Idle connections of the memory scenarios. */
  readonly idleConnections: number;
  /** Rounds of the memory scenarios (each starts fresh servers). */
  readonly idleRounds: number;
  /** Handshakes in progress at once. */
  readonly handshakeConcurrency: number;
  /** Group size and broadcasts in flight. */
  readonly broadcast: { readonly group: number; readonly window: number };
  /**
   * Scale-out: the broadcast group spread over the nodes, broadcasts in flight, and the cross-node
   * info rate over `pairs` sender→receiver pairs.
   */
  readonly scaleOut: {
    readonly group: number;
    readonly window: number;
    readonly rate: number;
    readonly pairs: number;
  };
}

/** The settings for `--quick` or a full run. */
export function settings(quick: boolean, pin = false, jsRoot: string | null = null): Settings {
  return {
    quick,
    pin,
    jsRoot,
    rounds: quick ? 3 : 5,
    warmupMs: quick ? 400 : 2000,
    measureMs: quick ? 1000 : 5000,
    connections: 100,
    window: { small: 16, large: 2, multi: 2 },
    latencyRate: 5_000,
    idleConnections: quick ? 2000 : 10_000,
    idleRounds: quick ? 2 : 3,
    handshakeConcurrency: 32,
    broadcast: { group: 1000, window: 4 },
    scaleOut: { group: quick ? 2000 : 10_000, window: 16, rate: 10_000, pairs: 100 },
  };
}
