import { asyncScheduler, Observable, type OperatorFunction, type SchedulerLike } from 'rxjs';
import type { ConnectionContext } from '../handler/context.js';
import type { ConnectionEvent, ConnectionOutput } from '../handler/events.js';
import type { AnyHandler, MailboxOverflow } from '../handler/handler.js';
import { Engine, type EngineSetup, type ErrorReporter } from './engine.js';
import { OutputPort } from './outputPort.js';
import {
  DEFAULT_IDLE_TIMEOUT,
  DEFAULT_KEEPALIVE,
  DEFAULT_MAILBOX_LIMIT,
  DEFAULT_MAILBOX_OVERFLOW,
  DEFAULT_READ_HIGH_WATER,
} from './plan.js';

/** Everything the engine needs besides the handler and the events; unset fields take defaults. */
export interface ConnectionSetup<S, I> {
  /** The state `init` returned. */
  readonly state: S;
  /** What every callback gets as `ctx` (`testContext` from `rodeo/testing` makes one for tests). */
  readonly ctx: ConnectionContext<I>;
  /** Milliseconds without received data before `timeout` (default 60 000; `Infinity` disables). */
  readonly idleTimeout?: number;
  /** Milliseconds without received data before a ping (default `Infinity`: never). */
  readonly keepalive?: number;
  /** Bytes of waiting frames past which reading stops (default 1 MiB). */
  readonly readHighWater?: number;
  /** Most infos waiting for a busy handler (default 10 000). */
  readonly mailboxLimit?: number;
  /** What one more info does to a full mailbox (default `'drop'`). */
  readonly mailboxOverflow?: MailboxOverflow;
  /**
   * Time source for the idle clock and the mailbox's slices (default `asyncScheduler`); a
   * `TestScheduler` for virtual time in tests.
   */
  readonly scheduler?: SchedulerLike;
  /** Told about crashes and about errors thrown by `terminate` (default: nobody). */
  readonly onError?: ErrorReporter;
}

/**
 * The per-connection engine as an operator: connection events in, what to do on the wire out.
 *
 * Frames and info (merged, in arrival order) are handed to the handler — one at a time for
 * callbacks, as a stream for pipelines; a scan over its results yields the commands to apply. End
 * events (peer close, protocol and socket errors, shutdown, backpressure) and the idle timeout end
 * the connection at once. The output ends with exactly one terminal notification, then completes;
 * it never errors. `terminate` is called exactly once, just before the terminal notification, with
 * the last settled state. The server runs this very engine (`Engine`), driving it directly.
 *
 * ```
 * events: -a--b--p         a, b = text frames, p = end(remote 1000)
 * echo:   -a--b--(t|)      t = terminal(remote 1000)
 * ```
 *
 * Outputs are what a transport would be asked to do: frames, `active(on)` when reading stops or
 * resumes (the handler's `active` command, or a mailbox past its high-water mark), `deflate(on)`,
 * `setOptions({ maxFrameSize })`, `hibernate` signals, then the terminal. `setOptions` for the idle
 * timeout and `shutdownReason` act inside the engine (the latter is carried on the terminal).
 *
 * @param handler A callback handler or a pipeline handler.
 * @param setup The initial state, context, limits and timing.
 * @return A function from the connection's events to its outputs.
 */
export function connection<S, I>(
  handler: AnyHandler<S, I>,
  setup: ConnectionSetup<S, I>,
): OperatorFunction<ConnectionEvent<I>, ConnectionOutput> {
  const resolved = resolveSetup(setup);
  return (events$) =>
    new Observable<ConnectionOutput>((subscriber) => {
      const engine = new Engine(handler, resolved, new OutputPort(subscriber));
      // Subscribed first: what the input emits while the handler starts is held, then replayed.
      const input = events$.subscribe(engine);
      engine.start();
      return () => {
        input.unsubscribe();
        engine.dispose();
      };
    });
}

/** `setup` with every default filled in. */
export function resolveSetup<S, I>(setup: ConnectionSetup<S, I>): EngineSetup<S, I> {
  return {
    state: setup.state,
    ctx: setup.ctx,
    idleTimeout: setup.idleTimeout ?? DEFAULT_IDLE_TIMEOUT,
    keepalive: setup.keepalive ?? DEFAULT_KEEPALIVE,
    readHighWater: setup.readHighWater ?? DEFAULT_READ_HIGH_WATER,
    mailboxLimit: setup.mailboxLimit ?? DEFAULT_MAILBOX_LIMIT,
    mailboxOverflow: setup.mailboxOverflow ?? DEFAULT_MAILBOX_OVERFLOW,
    scheduler: setup.scheduler ?? asyncScheduler,
    report: setup.onError ?? ignoreError,
  };
}

function ignoreError(): void {
  // No reporter given: crashes still reach terminate as reasons.
}
