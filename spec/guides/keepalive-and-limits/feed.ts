import {
  ok,
  reply,
  text,
  upgrade,
  type Handler,
  type Registry,
  type TerminateReason,
  type UpgradeOptions,
} from 'rodeo';

/** What the rest of the app publishes to the feed: one line for every listener. */
export interface Update {
  readonly line: string;
}

/** Per-connection limits for a server open to the Internet. */
export const publicLimits = {
  idleTimeout: 60_000, // nothing received for 60 s: close 1000, terminate gets `timeout`
  keepalive: 25_000, // ping after 25 s of silence: a live browser's pong counts as received
  maxFrameSize: 64 * 1024, // a larger message: close 1009, terminate gets `error badsize`
  readHighWater: 256 * 1024, // frames waiting for a busy handler: past this, stop reading
  mailboxLimit: 1_000, // updates waiting for this connection…
  mailboxOverflow: 'close', // …one more ends it: close 1013, terminate gets `backpressure`
} satisfies UpgradeOptions;

/** How a feed is set up: its registry, and what it does when a connection ends. */
export interface FeedOptions {
  readonly registry: Registry;
  /** Overrides of `publicLimits` (tests shorten the timeouts). */
  readonly limits?: UpgradeOptions;
  /** Told why each connection ended: log it, count it. */
  readonly onEnd?: (reason: TerminateReason) => void;
}

/**
 * A listen-only feed: every connection joins the group `feed`, and each update published to it
 * (`registry.publish('feed', update)`) goes out as a text frame. What clients send is ignored.
 */
export function feedHandler(options: FeedOptions): Handler<null, Update> {
  return {
    init: () => upgrade(null, { ...publicLimits, ...options.limits }),
    websocketInit: (state, ctx) => {
      options.registry.join('feed', ctx.ref);
      return ok(state);
    },
    websocketHandle: (_frame, state) => ok(state),
    websocketInfo: (update, state) => reply(text(update.line), state),
    terminate: (reason) => options.onEnd?.(reason),
  };
}
