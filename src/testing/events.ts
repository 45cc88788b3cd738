import type {
  ConnectionEvent,
  EndEvent,
  InfoEvent,
  TerminalNotification,
} from '../handler/events.js';
import type { InFrame } from '../handler/frames.js';
import { reasons, type ProtocolError, type TerminateReason } from '../handler/reasons.js';

/**
 * Marble values for connection events. Received frames are written with the same constructors as
 * frames sent (`text('hi')`, `binary(bytes)`, `ping()`), so input and expected output read alike.
 */

/**
 * What a marble value of a connection's input may be: a frame (`text('hi')`), or
 * an event ({@link info}, {@link peerClose}, …). {@link toEvent} turns it into a
 * {@link rodeo!ConnectionEvent | ConnectionEvent}.
 */
export type TestInput<I> = InFrame | ConnectionEvent<I>;

/** An info message arriving in the mailbox. */
export function info<I>(value: I): InfoEvent<I> {
  return { type: 'info', info: value };
}

/** The peer's close frame: `peerClose()` has no code, `peerClose(1000, 'bye')` has one. */
export function peerClose(code?: number, reason = ''): EndEvent {
  return ended(reasons.remote(code, reason));
}

/** The connection went away without a close frame (`error closed`: nothing is sent). */
export function socketClosed(): EndEvent {
  return ended(reasons.error('closed'));
}

/** The socket failed with `cause` (`error other`: nothing is sent). */
export function socketError(cause: unknown): EndEvent {
  return ended(reasons.socketError(cause));
}

/** The peer broke the protocol (`badframe`), sent bad UTF-8 (`badencoding`) or too much (`badsize`). */
export function protocolError(error: ProtocolError): EndEvent {
  return ended(reasons.error(error));
}

/** The server is shutting down (`shutdown`: the server sends 1001). */
export function shutdown(): EndEvent {
  return ended(reasons.shutdown);
}

/** The outbound queue passed its bound (`backpressure`, outbound: the server sends 1008). */
export function backpressure(): EndEvent {
  return ended(reasons.backpressure);
}

/** Any end event, for a reason the other helpers do not cover (e.g. `reasons.mailboxFull`). */
export function ended(reason: TerminateReason): EndEvent {
  return { type: 'end', reason };
}

/**
 * The terminal notification expected at the end of an output marble, with the
 * {@link rodeo!shutdownReason | shutdownReason} if the handler set one.
 */
export function terminal(reason: TerminateReason, shutdownReason?: unknown): TerminalNotification {
  return shutdownReason === undefined
    ? { type: 'terminal', reason }
    : { type: 'terminal', reason, shutdownReason };
}

/** Turns a marble value into a connection event (frames become frame events). */
export function toEvent<I>(input: TestInput<I>): ConnectionEvent<I> {
  switch (input.type) {
    case 'text':
    case 'binary':
    case 'ping':
    case 'pong':
      return { type: 'frame', frame: input };
    default:
      return input;
  }
}
