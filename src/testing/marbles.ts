import type { Observable } from 'rxjs';
import { TestScheduler, type RunHelpers } from 'rxjs/testing';
import type { ConnectionOutput } from '../handler/events.js';
import type { AnyHandler } from '../handler/handler.js';
import { stackFreeEqual } from './equality.js';
import { runConnection, type RunOptions } from './runConnection.js';
import type { TestInput } from './events.js';

/**
 * `TestScheduler.run`'s helpers (`cold`, `hot`, `expectObservable`, …), plus `connect` to run a
 * handler on marble input.
 */
export interface MarbleHelpers extends RunHelpers {
  /** {@link runConnection} with the test scheduler as the time source. */
  connect<S, I>(
    handler: AnyHandler<S, I>,
    input$: Observable<TestInput<I>>,
    options?: RunOptions<S>,
  ): Observable<ConnectionOutput>;
}

/**
 * A `TestScheduler` that compares with {@link stackFreeEqual} (or your own assertion), for
 * running `TestScheduler.run` yourself or passing to {@link marbles}.
 */
export function createTestScheduler(
  assertEqual: (actual: unknown, expected: unknown) => void = stackFreeEqual,
): TestScheduler {
  return new TestScheduler(assertEqual);
}

/**
 * Runs a marble test of a handler in virtual time: idle timeouts and timers advance without real
 * waiting, and outputs compare without stack traces.
 *
 * ```ts
 * marbles(({ cold, expectObservable, connect }) => {
 *   const input = cold('-a-p', { a: text('hi'), p: peerClose(1000) });
 *   expectObservable(connect(echo, input)).toBe('-a-(t|)', { a: text('hi'), t: terminal(reasons.remote(1000)) });
 * });
 * ```
 *
 * @param test Receives the helpers.
 * @param scheduler A scheduler of your own (default: `createTestScheduler()`).
 */
export function marbles(
  test: (helpers: MarbleHelpers) => void,
  scheduler: TestScheduler = createTestScheduler(),
): void {
  scheduler.run((helpers) =>
    test({
      ...helpers,
      connect: (handler, input$, options = {}) =>
        runConnection(handler, input$, { scheduler, ...options }),
    }),
  );
}
