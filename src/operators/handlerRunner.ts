import type { SchedulerLike } from 'rxjs';
import type { ConnectionContext } from '../handler/context.js';
import type { HandlerEvent } from '../handler/events.js';
import type { MailboxOverflow } from '../handler/handler.js';
import type { CallbackName } from '../handler/reasons.js';
import type { WakeQueue } from './wakeQueue.js';

/**
 * The contract between the engine and the two ways it runs a handler (`CallbackRunner`,
 * `PipelineRunner`), and what both are set up with.
 */

/**
 * Where crashes and errors thrown by `terminate` are reported, with the callback they came from:
 * a crash still ends its connection (and reaches `terminate` as a `crash` reason), the reporter
 * only gets to log it.
 */
export type ErrorReporter = (error: unknown, where: CallbackName | 'terminate') => void;

/**
 * Where a connection is in its life: `connecting` until the engine starts (events are held),
 * `open` while the handler runs, `closing` once the end is decided (close frame, `terminate`),
 * `ended` after the terminal notification.
 */
export type ConnectionPhase = 'connecting' | 'open' | 'closing' | 'ended';

/** Everything the engine needs besides the handler and its port, resolved (no defaults left). */
export interface EngineSetup<S, I> {
  readonly state: S;
  readonly ctx: ConnectionContext<I>;
  readonly idleTimeout: number;
  readonly keepalive: number;
  readonly readHighWater: number;
  readonly mailboxLimit: number;
  readonly mailboxOverflow: MailboxOverflow;
  readonly scheduler: SchedulerLike;
  /**
   * Where the idle clock waits: a server shares one among its connections (one timer for all); on
   * `scheduler`. Without it the connection gets a queue of its own.
   */
  readonly wakeQueue?: WakeQueue;
  readonly report: ErrorReporter;
}

/** How the engine runs a handler's messages: the callback mailbox, or a pipeline. */
export interface HandlerRunner<S, I> {
  /** The state `terminate` gets: the last settled one. */
  readonly state: S;
  /** Runs `websocketInit`, or subscribes the pipeline. */
  start(): void;
  /** One received frame or info. */
  message(event: HandlerEvent<I>): void;
  /** An info sent to the connection's ref; `false` if refused (full mailbox). */
  offer(info: I): boolean;
  /** The transport started a new read: the frames that follow are a new burst. */
  readStarted(): void;
  /** Cancels whatever is pending and drops what waits. */
  stop(): void;
}
