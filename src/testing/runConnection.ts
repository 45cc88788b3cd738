import { Observable, type SchedulerLike } from 'rxjs';
import type { ConnectionRef } from '../handler/context.js';
import type { ConnectionOutput } from '../handler/events.js';
import { upgrade, type AnyHandler, type InitResult } from '../handler/handler.js';
import { request, type UpgradeRequest } from '../handler/request.js';
import { resolveSetup } from '../operators/connection.js';
import { Engine, type ConnectionPhase, type ErrorReporter } from '../operators/engine.js';
import { decideConnection, startInit, type ConnectionDecision } from '../operators/init.js';
import { OutputPort } from '../operators/outputPort.js';
import { testContext, type TestContextOptions } from './context.js';
import { terminal, toEvent, type TestInput } from './events.js';

/**
 * How {@link runConnection} sets a connection up: the test context's fields (the request `init`
 * gets, the negotiated values), plus state and timing overrides.
 */
export interface RunOptions<S> extends TestContextOptions {
  /** Skip `init` and start from this state, with the default options. */
  readonly state?: S;
  /**
   * Skip calling `init` and plan the connection from this answer instead, options included — the
   * way to test a handler whose `init` is asynchronous: `{ init: await handler.init(req) }`.
   * Checked as the server checks `init`'s answer (a `respond` ends with `terminal(normal)`).
   */
  readonly init?: InitResult<S>;
  /** Overrides the idle timeout `init` chose. */
  readonly idleTimeout?: number;
  /** Overrides the keepalive interval `init` chose. */
  readonly keepalive?: number;
  /**
   * Time source for the engine (default `asyncScheduler`); {@link marbles}' `connect` passes the
   * `TestScheduler`, so idle timeouts and keepalive pings run in virtual time.
   */
  readonly scheduler?: SchedulerLike;
  /** Told about crashes (`init`'s too) and errors thrown by `terminate`, e.g. to fail a test. */
  readonly onError?: ErrorReporter;
}

/**
 * Runs a handler on the engine, without a socket, the way the server runs it: `init` (synchronous)
 * decides and its options are checked by the server's own planning (`decideConnection`), then the
 * input events and whatever is sent to `ctx.ref` drive the server's engine. Use inside
 * `TestScheduler.run`.
 *
 * If `init` answers with plain HTTP the output is just `terminal(normal)`; if it throws or asks for
 * an impossible upgrade, `terminal(crash('init', error))` — where a server answers 500.
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
    const decided = decide(handler, req, options);
    if (decided.type !== 'upgrade') {
      const reason = decided.type === 'respond' ? { type: 'normal' as const } : decided.reason;
      if (decided.type === 'refuse' && reason.type === 'crash')
        options.onError?.(reason.error, 'init');
      handler.terminate?.(
        reason,
        req,
        (decided.type === 'refuse' ? decided.state : undefined) as S,
      );
      subscriber.next(terminal(reason));
      subscriber.complete();
      return undefined;
    }
    const plan = decided.plan;
    const ref = new EngineRef<I>();
    const ctx = testContext<I>({
      ...options,
      req: plan.req,
      protocol: options.protocol ?? plan.protocol,
      compress: options.compress ?? plan.compress !== false,
    });
    const engine = new Engine(
      handler,
      resolveSetup({
        ...plan,
        ctx: { ...ctx, ref: ref.named(ctx.ref.id) },
        idleTimeout: options.idleTimeout ?? plan.idleTimeout,
        keepalive: options.keepalive ?? plan.keepalive,
        ...(options.scheduler ? { scheduler: options.scheduler } : {}),
        ...(options.onError ? { onError: options.onError } : {}),
      }),
      new OutputPort(subscriber),
    );
    ref.engine = engine;
    const input = input$.subscribe({
      next: (value) => engine.next(toEvent(value)),
      error: (err: unknown) => engine.error(err),
      complete: () => engine.complete(),
    });
    engine.start();
    return () => {
      input.unsubscribe();
      engine.dispose();
    };
  });
}

/** `init`'s decision: from its given answer, from `state` with the default options, or by calling it. */
function decide<S, I>(
  handler: AnyHandler<S, I>,
  req: UpgradeRequest,
  options: RunOptions<S>,
): ConnectionDecision<S> {
  if (options.init !== undefined) {
    return decideConnection<S>({ type: 'ok', result: options.init as InitResult<unknown> }, req);
  }
  if ('state' in options) {
    return decideConnection<S>({ type: 'ok', result: upgrade(options.state) }, req);
  }
  const started = startInit(handler as AnyHandler<unknown, unknown>, req);
  if (started instanceof Promise) {
    throw new TypeError(
      'init returned a Promise: pass its awaited answer as `init` (or a `state`) to runConnection',
    );
  }
  return decideConnection<S>(started, req);
}

/** The test connection's ref: `send` goes through the engine's mailbox, as on a server. */
class EngineRef<I> implements ConnectionRef<I> {
  id = '';
  engine: { offer(info: I): boolean; readonly phase: ConnectionPhase } | undefined;

  named(id: string): this {
    this.id = id;
    return this;
  }

  send(info: I): boolean {
    return this.engine?.offer(info) ?? false;
  }

  get closed(): boolean {
    const phase = this.engine?.phase;
    return phase === 'closing' || phase === 'ended';
  }
}
