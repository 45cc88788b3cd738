import type { OutFrame } from './frames.js';

/**
 * Commands a handler returns (Cowboy 2.x): frames to send, plus flow and option changes.
 * Handlers never touch the socket; one loop applies these in order.
 */

/**
 * Flow control by the handler (Cowboy's `{active, Bool}`): `active(false)` stops reading from the
 * socket, so TCP pushes back on the peer until `active(true)`; nothing is lost meanwhile. Rodeo's
 * own inbound flow control never resumes what the handler paused. Made by {@link active}.
 */
export interface ActiveCommand {
  /** The command's tag. */
  readonly type: 'active';
  /** `true`: read from the socket; `false`: stop reading. */
  readonly active: boolean;
}

/**
 * Switch permessage-deflate off or back on for the frames that follow (Cowboy's
 * `{deflate, Bool}`), e.g. to send data that is already compressed as it is. A no-op when
 * compression was not negotiated. Made by {@link deflate}.
 */
export interface DeflateCommand {
  /** The command's tag. */
  readonly type: 'deflate';
  /** `true`: compress the data frames that follow; `false`: send them uncompressed. */
  readonly deflate: boolean;
}

/**
 * Options a running connection may change through {@link setOptions}; each one left out keeps
 * its current value. Values are checked like `init`'s: one out of range crashes the connection
 * (1011, `RODEO_ERR_INVALID_RESULT`).
 */
export interface RuntimeOptions {
  /**
   * Milliseconds without received data before the connection ends with `timeout` (close code
   * 1000), counted from the change; ≥ 0, `Infinity` disables it.
   */
  readonly idleTimeout?: number;
  /**
   * Milliseconds without received data after which the server pings the peer, and again at that
   * interval while nothing arrives; > 0, `Infinity` stops the pings.
   */
  readonly keepalive?: number;
  /**
   * Largest accepted message in bytes, checked after inflation: a positive integer, or `Infinity`
   * for no limit. A larger message ends the connection with `error badsize` (1009).
   */
  readonly maxFrameSize?: number;
}

/**
 * Change connection options at run time (Cowboy's `{set_options, Map}`), e.g. a longer idle timeout
 * once a client has authenticated. Made by {@link setOptions}.
 */
export interface SetOptionsCommand {
  /** The command's tag. */
  readonly type: 'setOptions';
  /** The options to change; those left out keep their value. */
  readonly options: RuntimeOptions;
}

/**
 * Set the reason reported when this connection ends (Cowboy's `shutdown_reason`), whatever ends
 * it: it is carried on the terminal notification; the close code is unaffected.
 */
export interface ShutdownReasonCommand {
  /** The command's tag. */
  readonly type: 'shutdownReason';
  /**
   * Any value the application wants to see on the terminal notification (e.g. why a chat member
   * was kicked); the last one set wins. It never reaches the peer.
   */
  readonly reason: unknown;
}

/**
 * Everything a handler may ask for, in a {@link CommandsResult} or from a pipeline: frames to send
 * (a close frame is the last thing sent and stops the connection), and {@link ActiveCommand},
 * {@link DeflateCommand}, {@link SetOptionsCommand}, {@link ShutdownReasonCommand}.
 */
export type Command =
  OutFrame | ActiveCommand | DeflateCommand | SetOptionsCommand | ShutdownReasonCommand;

/**
 * Pause (`false`) or resume (`true`) reading from the socket: while paused nothing more reaches
 * the handler and TCP pushes back on the peer. See {@link ActiveCommand}.
 */
export function active(on: boolean): ActiveCommand {
  return { type: 'active', active: on };
}

/**
 * Turn compression off (`false`) or on (`true`) for the frames that follow, if permessage-deflate
 * was negotiated. See {@link DeflateCommand}.
 */
export function deflate(on: boolean): DeflateCommand {
  return { type: 'deflate', deflate: on };
}

/**
 * Change `idleTimeout`, `keepalive` and/or `maxFrameSize` from now on.
 *
 * ```ts
 * commands([text('welcome'), setOptions({ idleTimeout: 300_000 })], state)
 * ```
 */
export function setOptions(options: RuntimeOptions): SetOptionsCommand {
  return { type: 'setOptions', options };
}

/**
 * Set the reason reported on the terminal notification when the connection ends (Cowboy's
 * `shutdown_reason`); the close code is unaffected. See {@link ShutdownReasonCommand}.
 */
export function shutdownReason(reason: unknown): ShutdownReasonCommand {
  return { type: 'shutdownReason', reason };
}
