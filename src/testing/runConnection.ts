import { finalize, Observable, of, tap, type SchedulerLike } from 'rxjs';
import type { ConnectionEvent, InfoEvent } from '../handler/events.js';
import type { ConnectionOutput } from '../handler/events.js';
import type { AnyHandler, InitResult } from '../handler/handler.js';
import { reasons } from '../handler/reasons.js';
import { request, type Request } from '../handler/request.js';
import { connection, type ErrorReporter } from '../operators/connection.js';
import { testContext, type TestContextOptions } from './context.js';
import { terminal, toEvent, type TestInput } from './events.js';

/** How `runConnection` sets a connection up. */
export interface RunOptions<S> extends TestContextOptions {
  /** Skip `init` and start from this state (needed when `init` is asynchronous). */
  readonly state?: S;
  /** Overrides the idle timeout `init` chose (or the default when `state` is given). */
  readonly idleTimeout?: number;
  readonly scheduler?: SchedulerLike;
  readonly onError?: ErrorReporter;
}

/**
 * Runs a handler on the engine, without a socket: `init` (synchronous) decides, then the input
 * events and whatever is sent to `ctx.ref` drive it. Use inside `TestScheduler.run`.
 *
 * If `init` answers with plain HTTP the output is just `terminal(normal)`, as on a server.
 *
 * @param handler A callback or pipeline handler.
 * @param input$ Frames and events, e.g. from `cold('-a-b', { a: text('hi'), b: peerClose(1000) })`.
 * @param options State, context and timing overrides.
 * @return The connection's output: commands, then exactly one terminal notification.
 */
export function runConnection<S, I>(
  handler: AnyHandler<S, I>,
  input$: Observable<TestInput<I>>,
  options: RunOptions<S> = {},
): Observable<ConnectionOutput> {
  return new Observable<ConnectionOutput>((subscriber) => {
    const req = options.req ?? request();
    const decided = 'state' in options ? undefined : initNow(handler, req);
    if (decided?.type === 'respond') {
      handler.terminate?.(reasons.normal, req, undefined as S);
      return of(terminal(reasons.normal)).subscribe(subscriber);
    }
    const upgradeOptions = decided?.options ?? {};
    const ctx = testContext<I>({
      ...options,
      req: upgradeOptions.reqFilter ? upgradeOptions.reqFilter(req) : req,
      protocol: options.protocol ?? upgradeOptions.protocol ?? null,
      compress: options.compress ?? Boolean(upgradeOptions.compress),
    });
    const idleTimeout = options.idleTimeout ?? upgradeOptions.idleTimeout;
    return withMailbox(input$, ctx.mailbox$)
      .pipe(
        connection(handler, {
          state: decided ? decided.state : (options.state as S),
          ctx,
          ...(idleTimeout === undefined ? {} : { idleTimeout }),
          ...(options.scheduler ? { scheduler: options.scheduler } : {}),
          ...(options.onError ? { onError: options.onError } : {}),
        }),
        tap((output) => {
          if (output.type === 'terminal') ctx.end();
        }),
        finalize(() => ctx.end()),
      )
      .subscribe(subscriber);
  });
}

function initNow<S, I>(handler: AnyHandler<S, I>, req: Request): InitResult<S> {
  const result = handler.init(req);
  if (typeof (result as { then?: unknown }).then === 'function') {
    throw new TypeError('init returned a Promise: pass `state` to runConnection to skip init');
  }
  return result as InitResult<S>;
}

/** The input's events with the mailbox's merged in; completes when the input does (socket gone). */
function withMailbox<I>(
  input$: Observable<TestInput<I>>,
  mailbox$: Observable<InfoEvent<I>>,
): Observable<ConnectionEvent<I>> {
  return new Observable<ConnectionEvent<I>>((subscriber) => {
    const mail = mailbox$.subscribe((event) => subscriber.next(event));
    const input = input$.subscribe({
      next: (value) => subscriber.next(toEvent(value)),
      error: (err: unknown) => subscriber.error(err),
      complete: () => subscriber.complete(),
    });
    return () => {
      input.unsubscribe();
      mail.unsubscribe();
    };
  });
}
