import type { OutFrame } from './frames.js';

/**
 * Commands a handler returns (Cowboy 2.x): frames to send, plus flow and option changes.
 * Handlers never touch the socket; one loop applies these in order.
 */

/** `active(false)` stops reading from the socket; `active(true)` resumes. */
export interface ActiveCommand {
  readonly type: 'active';
  readonly active: boolean;
}

/** Switch permessage-deflate off or back on for the frames that follow (if it was negotiated). */
export interface DeflateCommand {
  readonly type: 'deflate';
  readonly deflate: boolean;
}

/** Options a running connection may change. */
export interface RuntimeOptions {
  /** Milliseconds without received data before the connection ends with `timeout`. */
  readonly idleTimeout?: number;
  /** Milliseconds without received data before the server pings the peer (`Infinity`: never). */
  readonly keepalive?: number;
  /** Largest accepted message in bytes (after inflation). */
  readonly maxFrameSize?: number;
}

/** Change connection options at run time. */
export interface SetOptionsCommand {
  readonly type: 'setOptions';
  readonly options: RuntimeOptions;
}

/**
 * Set the reason reported when this connection ends normally (Cowboy's `shutdown_reason`).
 * It is carried on the terminal notification; the close code is unaffected.
 */
export interface ShutdownReasonCommand {
  readonly type: 'shutdownReason';
  readonly reason: unknown;
}

/** Everything a handler may ask for. */
export type Command =
  OutFrame | ActiveCommand | DeflateCommand | SetOptionsCommand | ShutdownReasonCommand;

/** Pause (`false`) or resume (`true`) reading from the socket. */
export function active(on: boolean): ActiveCommand {
  return { type: 'active', active: on };
}

/** Turn compression off (`false`) or on (`true`) for the frames that follow. */
export function deflate(on: boolean): DeflateCommand {
  return { type: 'deflate', deflate: on };
}

/** Change `idleTimeout`, `keepalive` and/or `maxFrameSize` from now on. */
export function setOptions(options: RuntimeOptions): SetOptionsCommand {
  return { type: 'setOptions', options };
}

/** Set the reason reported on the terminal notification when the connection stops. */
export function shutdownReason(reason: unknown): ShutdownReasonCommand {
  return { type: 'shutdownReason', reason };
}
