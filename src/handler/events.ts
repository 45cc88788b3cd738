import type { Command } from './commands.js';
import type { InFrame } from './frames.js';
import type { TerminateReason } from './reasons.js';

/**
 * The engine's input and output. In the server, input events come from the socket and the mailbox,
 * merged; in tests, from marble strings.
 */

/** A frame received from the peer. */
export interface FrameEvent {
  readonly type: 'frame';
  readonly frame: InFrame;
}

/** A message sent to the connection's mailbox. */
export interface InfoEvent<I> {
  readonly type: 'info';
  readonly info: I;
}

/**
 * The connection is over for a reason outside the handler: peer close, protocol error, socket
 * closed or failed, server shutdown, backpressure.
 */
export interface EndEvent {
  readonly type: 'end';
  readonly reason: TerminateReason;
}

/** What a handler is called for. */
export type HandlerEvent<I> = FrameEvent | InfoEvent<I>;

/** Everything the engine consumes. */
export type ConnectionEvent<I> = FrameEvent | InfoEvent<I> | EndEvent;

/** Emitted after the commands of a result that asked to hibernate. */
export interface HibernateSignal {
  readonly type: 'hibernate';
}

/** The last thing a connection emits, exactly once, before it completes. */
export interface TerminalNotification {
  readonly type: 'terminal';
  readonly reason: TerminateReason;
  /** Set by a `shutdownReason` command. */
  readonly shutdownReason?: unknown;
}

/** Everything the engine emits: commands in order, hibernate signals, then one terminal. */
export type ConnectionOutput = Command | HibernateSignal | TerminalNotification;
