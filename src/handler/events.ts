import type { Command } from './commands.js';
import type { InFrame } from './frames.js';
import type { TerminateReason } from './reasons.js';

/**
 * The engine's input and output. In the server, input events come from the socket and the mailbox,
 * merged; in tests, from marble strings.
 */

/** A frame received from the peer, as the engine and a pipeline's `events$` see it. */
export interface FrameEvent {
  /** The event's tag. */
  readonly type: 'frame';
  /** The text, binary, ping or pong frame (messages arrive reassembled). */
  readonly frame: InFrame;
}

/**
 * An info message sent to the connection's mailbox ({@link ConnectionRef.send}), as the engine and
 * a pipeline's `events$` see it.
 */
export interface InfoEvent<I> {
  /** The event's tag. */
  readonly type: 'info';
  /** The value that was sent, of the handler's info type `I`. */
  readonly info: I;
}

/**
 * The connection is over for a reason outside the handler: peer close, protocol error, socket
 * closed or failed, server shutdown, backpressure.
 */
export interface EndEvent {
  /** The event's tag. */
  readonly type: 'end';
  /** Why the connection ended; it is passed to `terminate` and the terminal notification. */
  readonly reason: TerminateReason;
}

/**
 * What a handler is called for: a received frame or an info. A {@link PipelineHandler} gets these
 * as its `events$`; end events never reach it.
 */
export type HandlerEvent<I> = FrameEvent | InfoEvent<I>;

/**
 * Everything the engine consumes: frames and infos, merged in arrival order, and the end events
 * that preempt them. The input of {@link connection}.
 */
export type ConnectionEvent<I> = FrameEvent | InfoEvent<I> | EndEvent;

/**
 * Emitted after the commands of a result that asked to hibernate ({@link hibernate}): the server
 * then frees what an idle connection can re-create (the compressor, and the decompressor when the
 * peer agreed to no context takeover). In marble tests it is `hibernated` from `rodeo/testing`.
 */
export interface HibernateSignal {
  /** The signal's tag. */
  readonly type: 'hibernate';
}

/** The last thing a connection emits, exactly once, before it completes. */
export interface TerminalNotification {
  /** The notification's tag. */
  readonly type: 'terminal';
  /** Why the connection ended; {@link closeCodeFor} gives the close code the peer received. */
  readonly reason: TerminateReason;
  /** Set by the last {@link shutdownReason} command; absent if none was given. */
  readonly shutdownReason?: unknown;
}

/**
 * Everything the engine emits: commands in order, hibernate signals, then one terminal. The output
 * of {@link connection} and of `rodeo/testing`'s `runConnection`.
 */
export type ConnectionOutput = Command | HibernateSignal | TerminalNotification;
