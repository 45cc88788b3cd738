import {
  asyncScheduler,
  from,
  Observable,
  type ObservableInput,
  type OperatorFunction,
  type SchedulerLike,
  type Subscription,
} from 'rxjs';
import { isAsyncResult } from './callResults.js';
import { Mailbox } from './mailbox.js';

/**
 * What a {@link mailboxScan} accumulator may return: a value now, or a Promise or Observable of
 * values (the next value waits until it completes).
 */
export type Accumulated<A> = A | PromiseLike<A> | Observable<A>;

/**
 * Like `scan`, but the accumulator may answer later, and values are handled strictly one at a time,
 * in arrival order, like messages in an Erlang mailbox — the engine's own mailbox (`Mailbox`), as
 * an operator.
 *
 * 1. A plain value returned by the accumulator is emitted at once: the synchronous path allocates no
 *    Promise and schedules nothing.
 * 2. A Promise or Observable is waited for; each value it yields becomes the new accumulator and is
 *    emitted. Values arriving meanwhile are queued (O(1) each) and handled after it completes.
 * 3. Values arriving while a value is being emitted (re-entrantly) are queued too, so everything one
 *    value produced is emitted before anything the next produced.
 * 4. Values are handled in slices of at most 256: past a slice, the next values wait for an
 *    action on `scheduler`, so a long burst or backlog never holds the event loop.
 * 5. Errors (thrown, rejected, or from the Observable) error the result. Unsubscribing drops the
 *    queue and unsubscribes the pending Observable.
 *
 * ```
 * source:      -abc-------
 * accumulator: a → --A|, b → B, c → C
 * result:      ---A(BC)---   b and c waited for A to complete
 * ```
 *
 * @param accumulator Called with the current accumulation, the value and its index.
 * @param seed The initial accumulation.
 * @param scheduler Where a long backlog yields (default `asyncScheduler`).
 * @return A function emitting every accumulation in order.
 */
export function mailboxScan<V, A>(
  accumulator: (acc: A, value: V, index: number) => Accumulated<A>,
  seed: A,
  scheduler: SchedulerLike = asyncScheduler,
): OperatorFunction<V, A> {
  return (source) =>
    new Observable<A>((subscriber) => {
      let acc = seed;
      let index = 0;
      let sourceDone = false;
      let pending: Subscription | undefined;

      const completeIfDone = (): void => {
        if (sourceDone && mailbox.idle) subscriber.complete();
      };
      const mailbox: Mailbox<V> = new Mailbox<V>(
        {
          run: (value) => {
            let out: Accumulated<A>;
            try {
              out = accumulator(acc, value, index++);
            } catch (err) {
              subscriber.error(err);
              return true;
            }
            if (!isAsyncResult(out)) {
              acc = out;
              subscriber.next(out);
              return true;
            }
            let settled = false;
            let waiting = false;
            const subscription = from(out as ObservableInput<A>).subscribe({
              next: (next) => {
                acc = next;
                subscriber.next(next);
              },
              error: (err: unknown) => subscriber.error(err),
              complete: () => {
                settled = true;
                pending = undefined;
                if (waiting) mailbox.settled();
              },
            });
            if (settled) return true;
            waiting = true;
            pending = subscription;
            return false;
          },
          dequeued: () => undefined,
          emptied: completeIfDone,
        },
        scheduler,
      );

      const sourceSubscription = source.subscribe({
        next: (value) => mailbox.put(value),
        error: (err: unknown) => subscriber.error(err),
        complete: () => {
          sourceDone = true;
          completeIfDone();
        },
      });
      return () => {
        sourceSubscription.unsubscribe();
        pending?.unsubscribe();
        mailbox.close();
      };
    });
}
