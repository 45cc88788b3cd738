import type { Observable } from 'rxjs';
import type { Command } from './commands.js';
import type { ConnectionContext } from './context.js';
import type { ConnectionEvent, HandlerEvent } from './events.js';
import type { InFrame } from './frames.js';
import type { TerminateReason } from './reasons.js';
import type { HeaderFields, UpgradeRequest } from './request.js';
import type { CallResult } from './results.js';

/** permessage-deflate parameters (RFC 7692) a handler may set when it enables compression. */
export interface DeflateOptions {
  readonly serverNoContextTakeover?: boolean;
  readonly clientNoContextTakeover?: boolean;
  /** 8–15. */
  readonly serverMaxWindowBits?: number;
  /** 8–15. */
  readonly clientMaxWindowBits?: number;
  /** zlib level 0–9. */
  readonly level?: number;
  /** Messages smaller than this many bytes are sent uncompressed (default 1024). */
  readonly threshold?: number;
}

/** What a full info mailbox does with one more info (see `UpgradeOptions.mailboxOverflow`). */
export type MailboxOverflow = 'drop' | 'close';

/** Per-connection options chosen by `init`. */
export interface UpgradeOptions {
  /** Milliseconds without received data before `timeout` (default 60 000; `Infinity` disables). */
  readonly idleTimeout?: number;
  /**
   * Milliseconds without received data after which the server pings the peer, again every
   * `keepalive` ms while nothing arrives (default `Infinity`: never). A live peer's automatic pong
   * is received data, so it outlasts `idleTimeout`; a peer that does not answer ends with `timeout`.
   * Browsers answer pings but never send them: a listen-only page needs this.
   */
  readonly keepalive?: number;
  /**
   * Bytes of received frames that may wait for a busy handler (an asynchronous result in flight)
   * before rodeo stops reading the socket, so TCP pushes back on the peer (default 1 MiB). Each
   * frame counts its payload plus 256 bytes, about what a waiting frame costs besides it. Reading
   * resumes once the waiting frames are below half of it. Frames are never dropped.
   */
  readonly readHighWater?: number;
  /** Most info messages that may wait for a busy handler (default 10 000). */
  readonly mailboxLimit?: number;
  /**
   * What happens to an info sent while `mailboxLimit` infos wait: `'drop'` (default) refuses it —
   * `ref.send` returns `false` and the server counts it in `metrics.infosDropped`; `'close'` ends
   * the connection with `backpressure` (queue `mailbox`, close code 1013), like Erlang's
   * `max_heap_size` kill.
   */
  readonly mailboxOverflow?: MailboxOverflow;
  /** Offer permessage-deflate to a peer that asks for it (default `false`). */
  readonly compress?: boolean | DeflateOptions;
  /** Largest accepted message in bytes, checked after inflation too (default 1 MiB). */
  readonly maxFrameSize?: number;
  /**
   * Reject text frames and close reasons that are not UTF-8 with 1007 (default `true`). Without the
   * check, invalid sequences read as U+FFFD in `data`, and a received frame sent back unchanged
   * goes out byte for byte, as Cowboy's would.
   */
  readonly validateUtf8?: boolean;
  /** The subprotocol to accept, one of those the peer offered. */
  readonly protocol?: string;
  /** Extra headers for the 101 response. */
  readonly headers?: HeaderFields;
  /** What of the request `terminate` (and `ctx.req`) keeps; default: all of it. */
  readonly reqFilter?: (req: UpgradeRequest) => UpgradeRequest;
}

/** `init` accepts the upgrade. */
export interface UpgradeResult<S> {
  readonly type: 'upgrade';
  readonly state: S;
  readonly options: UpgradeOptions;
}

/** `init` answers with plain HTTP instead; `terminate` then gets reason `normal`. */
export interface RespondResult {
  readonly type: 'respond';
  readonly status: number;
  readonly headers: HeaderFields;
  readonly body: string | Uint8Array;
}

/** What `init` decides. */
export type InitResult<S> = UpgradeResult<S> | RespondResult;

/** A callback's result: settled now, later (Promise), or as a stream of results (Observable). */
export type Result<S> = CallResult<S> | PromiseLike<CallResult<S>> | Observable<CallResult<S>>;

/** Cowboy's `cowboy_websocket` behaviour, generic in the state `S` and the info message type `I`. */
export interface Handler<S, I = never> {
  /** Decide whether to upgrade, before the 101 response. */
  init(req: UpgradeRequest): InitResult<S> | PromiseLike<InitResult<S>>;
  /** Called once right after the upgrade, before any frame is delivered. */
  websocketInit?(state: S, ctx: ConnectionContext<I>): Result<S>;
  /** Every text, binary, ping and pong frame. */
  websocketHandle(frame: InFrame, state: S, ctx: ConnectionContext<I>): Result<S>;
  /** Every message sent to `ctx.ref`. */
  websocketInfo(info: I, state: S, ctx: ConnectionContext<I>): Result<S>;
  /**
   * Exactly once, on every path; errors it throws are reported and ignored. `state` is the last
   * settled state — `undefined` only when `init` gave none: it answered plain HTTP (`normal`),
   * failed or timed out (`crash` from `init`), or the server was closing before it answered.
   */
  terminate?(reason: TerminateReason, req: UpgradeRequest, state: S | undefined): void;
}

/**
 * A handler written as an RxJS pipeline: frames and info in, commands out. It runs on the same engine
 * as a callback handler: a close command or the pipeline's completion stops the connection, an error
 * crashes it, and idle timeout and peer close end it the same way.
 */
export interface PipelineHandler<S, I = never> {
  init(req: UpgradeRequest): InitResult<S> | PromiseLike<InitResult<S>>;
  pipeline(
    events$: Observable<HandlerEvent<I>>,
    state: S,
    ctx: ConnectionContext<I>,
  ): Observable<Command>;
  terminate?(reason: TerminateReason, req: UpgradeRequest, state: S | undefined): void;
}

/** Either form of handler. */
export type AnyHandler<S, I> = Handler<S, I> | PipelineHandler<S, I>;

/** Accept the upgrade with an initial state and options. */
export function upgrade<S>(state: S, options: UpgradeOptions = {}): UpgradeResult<S> {
  return { type: 'upgrade', state, options };
}

/** Answer with plain HTTP instead of upgrading. */
export function respond(
  status: number,
  headers: HeaderFields = {},
  body: string | Uint8Array = '',
): RespondResult {
  return { type: 'respond', status, headers, body };
}

/** Whether a handler is written as a pipeline. */
export function isPipelineHandler<S, I>(
  handler: AnyHandler<S, I>,
): handler is PipelineHandler<S, I> {
  return 'pipeline' in handler;
}

/** Re-exported for handler authors who want the engine's event types in their signatures. */
export type { ConnectionEvent, HandlerEvent };
