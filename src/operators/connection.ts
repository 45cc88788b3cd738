import {
  asyncScheduler,
  BehaviorSubject,
  catchError,
  endWith,
  from,
  map,
  Observable,
  startWith,
  tap,
  throwError,
  throwIfEmpty,
  type OperatorFunction,
  type SchedulerLike,
} from 'rxjs';
import type { Command } from '../handler/commands.js';
import type { ConnectionContext } from '../handler/context.js';
import { RodeoError } from '../handler/errors.js';
import type { ConnectionEvent, ConnectionOutput, MessageEvent } from '../handler/events.js';
import { close } from '../handler/frames.js';
import {
  isPipelineHandler,
  type AnyHandler,
  type Handler,
  type PipelineHandler,
  type Result,
} from '../handler/handler.js';
import { reasons, type CallbackName } from '../handler/reasons.js';
import { ok, type CallResult } from '../handler/results.js';
import { validateCommand } from '../handler/validate.js';
import { CallbackEngine, type CallbackEngineSetup } from './callbackEngine.js';
import { checkedResult, isSettled } from './callResults.js';
import { dispatch, type Behaviour } from './dispatch.js';
import { endOnce } from './endOnce.js';
import { idleTimeout } from './idleTimeout.js';
import { mailboxScan, type Accumulated } from './mailboxScan.js';
import { resultCommands } from './resultCommands.js';
import { stopAtClose } from './stopAtClose.js';

/** Cowboy's default idle timeout. */
export const DEFAULT_IDLE_TIMEOUT = 60_000;

/** Where errors that cannot end a connection (a throwing `terminate`) and crashes are reported. */
export type ErrorReporter = (error: unknown, where: CallbackName | 'terminate') => void;

/** Everything the engine needs besides the handler and the events. */
export interface ConnectionSetup<S, I> {
  /** The state `init` returned. */
  readonly state: S;
  readonly ctx: ConnectionContext<I>;
  /** Milliseconds (default 60 000; `Infinity` disables). */
  readonly idleTimeout?: number;
  /** Time source for the idle timeout; virtual time in tests. */
  readonly scheduler?: SchedulerLike;
  /** Told about crashes and about errors thrown by `terminate`. */
  readonly onError?: ErrorReporter;
  /**
   * Called once, just before `terminate` (also for handlers without one): from then on the
   * connection's owner should refuse info, since nothing more reaches the handler.
   */
  readonly onTerminate?: () => void;
}

/**
 * The per-connection engine: connection events in, what to do on the wire out.
 *
 * Frames and info (merged, in arrival order) are handed to the handler one at a time; a scan over
 * its results yields the commands to apply. End events (peer close, protocol and socket errors,
 * shutdown, backpressure) and the idle timeout end the connection at once. The output ends with
 * exactly one terminal notification, then completes; it never errors. `terminate` is called exactly
 * once, just before the terminal notification, with the last settled state.
 *
 * ```
 * events: -a--b--p         a, b = text frames, p = end(remote 1000)
 * echo:   -a--b--(t|)      t = terminal(remote 1000)
 * ```
 *
 * The engine is the composition of the public operators
 * `idleTimeout → dispatch → (mailboxScan → resultCommands | pipeline) → stopAtClose → endOnce`
 * (see `composedConnection`). Callback handlers run on a fused equivalent of it, one subscriber
 * instead of one per layer (`CallbackEngine`); a spec checks both agree on random event sequences.
 *
 * @param handler A callback handler or a pipeline handler.
 * @param setup The initial state, context and timing.
 * @return A function from the connection's events to its outputs.
 */
export function connection<S, I>(
  handler: AnyHandler<S, I>,
  setup: ConnectionSetup<S, I>,
): OperatorFunction<ConnectionEvent<I>, ConnectionOutput> {
  if (isPipelineHandler(handler)) return composedConnection(handler, setup);
  const engineSetup: CallbackEngineSetup<S, I> = {
    handler,
    state: setup.state,
    ctx: setup.ctx,
    idleTimeout: setup.idleTimeout ?? DEFAULT_IDLE_TIMEOUT,
    scheduler: setup.scheduler ?? asyncScheduler,
    report: setup.onError ?? ignoreError,
    onTerminate: setup.onTerminate ?? nothing,
  };
  return (events$) =>
    new Observable<ConnectionOutput>((subscriber) =>
      new CallbackEngine(engineSetup, subscriber).run(events$),
    );
}

/**
 * The engine as a composition of the public operators, for either kind of handler: what
 * `connection` runs for pipeline handlers, and the reference the fused callback engine is checked
 * against.
 *
 * @param handler A callback handler or a pipeline handler.
 * @param setup The initial state, context and timing.
 * @return A function from the connection's events to its outputs.
 */
export function composedConnection<S, I>(
  handler: AnyHandler<S, I>,
  setup: ConnectionSetup<S, I>,
): OperatorFunction<ConnectionEvent<I>, ConnectionOutput> {
  return (events$) =>
    new Observable<ConnectionOutput>((subscriber) => {
      let state = setup.state;
      const report = setup.onError ?? ignoreError;
      const durations = new BehaviorSubject(setup.idleTimeout ?? DEFAULT_IDLE_TIMEOUT);
      const behaviour = isPipelineHandler(handler)
        ? pipelineBehaviour(handler, setup)
        : callbackBehaviour(handler, setup, (next) => (state = next));

      return events$
        .pipe(
          idleTimeout(durations, setup.scheduler ?? asyncScheduler),
          dispatch((messages$) =>
            behaviour(messages$).pipe(
              tap((output) => {
                if (output.type === 'setOptions' && output.options.idleTimeout !== undefined) {
                  durations.next(output.options.idleTimeout);
                }
              }),
              stopAtClose(),
            ),
          ),
          endOnce({
            crashReason: (error) => {
              const reason =
                error instanceof CallbackFailure
                  ? reasons.crash(error.callback, error.error)
                  : reasons.crash('pipeline', error);
              report(reason.error, reason.callback);
              return reason;
            },
            onEnd: (reason) => {
              durations.complete();
              setup.onTerminate?.();
              try {
                handler.terminate?.(reason, setup.ctx.req, state);
              } catch (err) {
                report(err, 'terminate');
              }
            },
          }),
        )
        .subscribe(subscriber);
    });
}

function nothing(): void {
  // No owner to tell.
}

function ignoreError(): void {
  // No reporter given: crashes still reach terminate as reasons.
}

/** An error from a handler callback, tagged with the callback it came from. */
class CallbackFailure {
  constructor(
    readonly callback: CallbackName,
    readonly error: unknown,
  ) {}
}

const INIT = Symbol('websocketInit');
type Mail<I> = MessageEvent<I> | typeof INIT;

function callbackBehaviour<S, I>(
  handler: Handler<S, I>,
  setup: ConnectionSetup<S, I>,
  settle: (state: S) => void,
): Behaviour<I> {
  const { ctx } = setup;
  const call = (result: CallResult<S>, mail: Mail<I>): Accumulated<CallResult<S>> => {
    const state = result.state;
    if (mail === INIT) {
      return handler.websocketInit
        ? settled(handler.websocketInit(state, ctx), 'websocketInit', settle)
        : result;
    }
    return mail.type === 'frame'
      ? settled(handler.websocketHandle(mail.frame, state, ctx), 'websocketHandle', settle)
      : settled(handler.websocketInfo(mail.info, state, ctx), 'websocketInfo', settle);
  };
  const accumulate = (result: CallResult<S>, mail: Mail<I>): Accumulated<CallResult<S>> => {
    try {
      return call(result, mail);
    } catch (err) {
      throw err instanceof CallbackFailure ? err : new CallbackFailure(callbackOf(mail), err);
    }
  };
  return (messages$) => {
    const mails$: Observable<Mail<I>> = handler.websocketInit
      ? messages$.pipe(startWith<Mail<I>>(INIT))
      : messages$;
    return mails$.pipe(mailboxScan(accumulate, ok(setup.state)), resultCommands());
  };
}

function callbackOf<I>(mail: Mail<I>): CallbackName {
  if (mail === INIT) return 'websocketInit';
  return mail.type === 'frame' ? 'websocketHandle' : 'websocketInfo';
}

/** Checks a callback's result now, or when it settles, and records its state. */
function settled<S>(
  result: Result<S>,
  callback: CallbackName,
  settle: (state: S) => void,
): Accumulated<CallResult<S>> {
  if (isSettled(result)) {
    const valid = checked<S>(result, callback);
    settle(valid.state);
    return valid;
  }
  return from(result).pipe(
    throwIfEmpty(
      () => new RodeoError('RODEO_ERR_EMPTY_RESULT', `${callback} completed without a result`),
    ),
    map((value) => {
      const valid = checked<S>(value, callback);
      settle(valid.state);
      return valid;
    }),
    catchError((err: unknown) =>
      throwError(() => (err instanceof CallbackFailure ? err : new CallbackFailure(callback, err))),
    ),
  );
}

function checked<S>(value: unknown, callback: CallbackName): CallResult<S> {
  try {
    return checkedResult<S>(value);
  } catch (err) {
    throw new CallbackFailure(callback, err);
  }
}

function pipelineBehaviour<S, I>(
  handler: PipelineHandler<S, I>,
  setup: ConnectionSetup<S, I>,
): Behaviour<I> {
  return (messages$) =>
    handler.pipeline(messages$, setup.state, setup.ctx).pipe(
      map((command): Command => validateCommand(command)),
      endWith(close(1000)),
    );
}
