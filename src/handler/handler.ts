import type { Observable } from 'rxjs';
import type { Command } from './commands.js';
import type { ConnectionContext } from './context.js';
import type { ConnectionEvent, HandlerEvent } from './events.js';
import type { InFrame } from './frames.js';
import type { TerminateReason } from './reasons.js';
import type { HeaderFields, UpgradeRequest } from './request.js';
import type { CallResult } from './results.js';

/**
 * permessage-deflate parameters (RFC 7692) a handler may set when it enables compression
 * (`compress: { … }` in {@link UpgradeOptions}). Every value is checked: one out of range is
 * `init`'s error (`RODEO_ERR_INVALID_UPGRADE`, HTTP 500). A peer that offers no compression gets
 * none, which is not an error.
 */
export interface DeflateOptions {
  /**
   * Reset the server's compression context after every message (`server_no_context_takeover`):
   * less memory per connection, less compression (default `false`).
   */
  readonly serverNoContextTakeover?: boolean;
  /**
   * Ask the peer to reset its compression context after every message
   * (`client_no_context_takeover`), so that hibernation can free the decompressor too (default
   * `false`).
   */
  readonly clientNoContextTakeover?: boolean;
  /** The server's LZ77 window, 2^bits bytes: an integer 8–15 (default 15). */
  readonly serverMaxWindowBits?: number;
  /** The largest window the peer may compress with, if it offered to limit it: 8–15. */
  readonly clientMaxWindowBits?: number;
  /** zlib compression level 0–9 (default zlib's, 6): higher compresses more, at more CPU. */
  readonly level?: number;
  /** Messages smaller than this many bytes are sent uncompressed (default 1024). */
  readonly threshold?: number;
}

/**
 * What a full info mailbox does with one more info (see {@link UpgradeOptions.mailboxOverflow}):
 * `'drop'` refuses it, `'close'` ends the connection with `backpressure` (1013).
 */
export type MailboxOverflow = 'drop' | 'close';

/**
 * Per-connection options chosen by `init` ({@link upgrade}). Each one is checked when `init`
 * answers: an invalid value is `init`'s error (`RODEO_ERR_INVALID_UPGRADE`: HTTP 500 to the peer,
 * `crash` from `init` for `terminate`), never a silent default.
 */
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
   * resumes once the waiting frames are below half of it. Frames are never dropped. Callback
   * handlers only: a pipeline handler takes frames as they come (it pauses reading with
   * `active(false)`), so this option does nothing for it.
   */
  readonly readHighWater?: number;
  /**
   * Most info messages that may wait for a busy handler (default 10 000); see `mailboxOverflow`
   * for one more. A pipeline handler takes infos as they come and has no such mailbox.
   */
  readonly mailboxLimit?: number;
  /**
   * What happens to an info sent while `mailboxLimit` infos wait: `'drop'` (default) refuses it —
   * `ref.send` returns `false` and the server counts it in `metrics.infosDropped`; `'close'` ends
   * the connection with `backpressure` (queue `mailbox`, close code 1013), like Erlang's
   * `max_heap_size` kill. Callback handlers only, like `mailboxLimit`.
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
  /**
   * The subprotocol to accept (`Sec-WebSocket-Protocol`), one of those the peer offered
   * ({@link chooseProtocol} picks one); one it did not offer is refused with HTTP 500. Default:
   * none.
   */
  readonly protocol?: string;
  /**
   * Extra headers for the 101 response (200 over HTTP/2), e.g. a cookie. Names and values are
   * checked: one that could inject into the response is refused with HTTP 500.
   */
  readonly headers?: HeaderFields;
  /**
   * What of the request `terminate` (and `ctx.req`) keeps, for the whole life of the connection:
   * drop the headers you do not need to save memory on many connections. Default: all of it.
   */
  readonly reqFilter?: (req: UpgradeRequest) => UpgradeRequest;
}

/** `init` accepts the upgrade. Made by {@link upgrade}. */
export interface UpgradeResult<S> {
  /** The result's tag. */
  readonly type: 'upgrade';
  /** The connection's initial state, passed to the first callback (or to `pipeline`). */
  readonly state: S;
  /** Limits, timeouts, compression, subprotocol and headers for this connection. */
  readonly options: UpgradeOptions;
}

/**
 * `init` answers with plain HTTP instead (a refusal, a redirect, a login page); `terminate` then
 * gets reason `normal`. Made by {@link respond}.
 */
export interface RespondResult {
  /** The result's tag. */
  readonly type: 'respond';
  /** The HTTP status code, an integer 200–599 (anything else crashes `init`: HTTP 500). */
  readonly status: number;
  /** The response headers, checked as {@link UpgradeOptions.headers} are (refused: HTTP 500). */
  readonly headers: HeaderFields;
  /** The response body: text (sent as UTF-8) or bytes. */
  readonly body: string | Uint8Array;
}

/** What `init` decides: upgrade ({@link upgrade}) or answer plain HTTP ({@link respond}). */
export type InitResult<S> = UpgradeResult<S> | RespondResult;

/**
 * A callback's result: settled now (a {@link CallResult}), later (a Promise), or as a stream of
 * results (an Observable, each value applied as it comes). Until it settles — a Promise resolves,
 * an Observable completes — the next frame or info waits in the mailbox, so one connection's
 * messages are handled strictly in order. A rejection, an error or an Observable that completes
 * without a value crashes the connection (1011); a settled value takes a synchronous path.
 */
export type Result<S> = CallResult<S> | PromiseLike<CallResult<S>> | Observable<CallResult<S>>;

/**
 * Cowboy's `cowboy_websocket` behaviour, generic in the state `S` and the info message type `I`.
 * Callbacks never touch the socket: they return results ({@link ok}, {@link reply}, {@link stop},
 * {@link commands}) that one loop applies. A callback that throws or returns something invalid
 * crashes only its own connection (1011).
 *
 * ```ts
 * const echo: Handler<null> = {
 *   init: () => upgrade(null),
 *   websocketHandle: (frame, state) => reply(frame, state),
 *   websocketInfo: (_info, state) => ok(state),
 * };
 * ```
 *
 * @typeParam S The connection's state, threaded through every callback.
 * @typeParam I What other parts of the application may send to the connection (`ctx.ref.send`).
 * @sortStrategy source-order
 */
export interface Handler<S, I = never> {
  /**
   * Decide whether to upgrade, before the 101 response: {@link upgrade} with an initial state and
   * options, or {@link respond} with plain HTTP. May be asynchronous, bounded by the server's
   * `initTimeout` (past it: HTTP 503). Throwing or rejecting answers HTTP 500.
   */
  init(req: UpgradeRequest): InitResult<S> | PromiseLike<InitResult<S>>;
  /**
   * Called once right after the upgrade, before any frame is delivered: the place to greet the
   * peer or join groups, since `ctx.ref` exists only now.
   */
  websocketInit?(state: S, ctx: ConnectionContext<I>): Result<S>;
  /**
   * Every text, binary, ping and pong frame, one at a time. Pings are already answered; close
   * frames never arrive here (they end the connection with `remote`).
   */
  websocketHandle(frame: InFrame, state: S, ctx: ConnectionContext<I>): Result<S>;
  /** Every message sent to `ctx.ref` (or through the {@link Registry}), in the order sent. */
  websocketInfo(info: I, state: S, ctx: ConnectionContext<I>): Result<S>;
  /**
   * Exactly once, on every path; errors it throws are reported and ignored. `state` is the last
   * settled state — `undefined` only when `init` gave none: it answered plain HTTP (`normal`),
   * failed or timed out (`crash` from `init`), or the server was closing before it answered.
   * `req` is the request after `reqFilter`. Nothing reaches the handler once it has started.
   */
  terminate?(reason: TerminateReason, req: UpgradeRequest, state: S | undefined): void;
}

/**
 * A handler written as an RxJS pipeline: frames and info in, commands out. It runs on the same engine
 * as a callback handler: a close command or the pipeline's completion stops the connection, an error
 * crashes it, and idle timeout and peer close end it the same way.
 *
 * @sortStrategy source-order
 */
export interface PipelineHandler<S, I = never> {
  /** Decide whether to upgrade, exactly as {@link Handler.init}. */
  init(req: UpgradeRequest): InitResult<S> | PromiseLike<InitResult<S>>;
  /**
   * Called once after the upgrade, with every received frame and info as `events$` (which it may
   * subscribe to more than once); every command it emits is checked and applied in order. Events
   * are pushed as they arrive: there is no mailbox, and what the pipeline buffers is its own —
   * use {@link active}`(false)` to stop reading.
   */
  pipeline(
    events$: Observable<HandlerEvent<I>>,
    state: S,
    ctx: ConnectionContext<I>,
  ): Observable<Command>;
  /**
   * Exactly once, on every path, as {@link Handler.terminate}; `state` is the one `init` gave
   * (a pipeline keeps its own state).
   */
  terminate?(reason: TerminateReason, req: UpgradeRequest, state: S | undefined): void;
}

/** Either form of handler: what {@link Routes} map paths to, and what {@link connection} runs. */
export type AnyHandler<S, I> = Handler<S, I> | PipelineHandler<S, I>;

/**
 * Accept the upgrade with an initial state and options (all optional: the defaults are those of
 * {@link UpgradeOptions}).
 *
 * ```ts
 * init: (req) => upgrade({ room: req.params['room'] }, { idleTimeout: 120_000, compress: true })
 * ```
 */
export function upgrade<S>(state: S, options: UpgradeOptions = {}): UpgradeResult<S> {
  return { type: 'upgrade', state, options };
}

/**
 * Answer with plain HTTP instead of upgrading (no WebSocket; `terminate` gets `normal`). Headers
 * default to none, the body to empty.
 *
 * ```ts
 * init: (req) => (allowOrigins(req, ['https://example.com']) ? upgrade(null) : respond(403))
 * ```
 */
export function respond(
  status: number,
  headers: HeaderFields = {},
  body: string | Uint8Array = '',
): RespondResult {
  return { type: 'respond', status, headers, body };
}

/** Whether a handler is written as a pipeline (it has `pipeline`) rather than as callbacks. */
export function isPipelineHandler<S, I>(
  handler: AnyHandler<S, I>,
): handler is PipelineHandler<S, I> {
  return 'pipeline' in handler;
}

/** Re-exported for handler authors who want the engine's event types in their signatures. */
export type { ConnectionEvent, HandlerEvent };
