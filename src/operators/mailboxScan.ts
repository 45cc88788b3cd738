import {
  from,
  isObservable,
  Observable,
  type ObservableInput,
  type OperatorFunction,
  type Subscription,
} from 'rxjs';

/** What a `mailboxScan` accumulator may return: a value now, or a Promise or Observable of values. */
export type Accumulated<A> = A | PromiseLike<A> | Observable<A>;

/**
 * Like `scan`, but the accumulator may answer later, and values are handled strictly one at a time,
 * in arrival order, like messages in an Erlang mailbox.
 *
 * 1. A plain value returned by the accumulator is emitted at once: the synchronous path allocates no
 *    Promise and schedules nothing.
 * 2. A Promise or Observable is waited for; each value it yields becomes the new accumulator and is
 *    emitted. Values arriving meanwhile are queued and handled after it completes.
 * 3. Values arriving while a value is being emitted (re-entrantly) are queued too, so everything one
 *    value produced is emitted before anything the next produced.
 * 4. Errors (thrown, rejected, or from the Observable) error the result. Unsubscribing drops the
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
 * @return A function emitting every accumulation in order.
 */
export function mailboxScan<V, A>(
  accumulator: (acc: A, value: V, index: number) => Accumulated<A>,
  seed: A,
): OperatorFunction<V, A> {
  return (source) =>
    new Observable<A>((subscriber) => {
      let acc = seed;
      let index = 0;
      let busy = false;
      let sourceDone = false;
      let pending: Subscription | undefined;
      const queue: V[] = [];

      const drain = (): void => {
        while (!busy && queue.length > 0 && !subscriber.closed) handle(queue.shift() as V);
        if (!busy && sourceDone && queue.length === 0) subscriber.complete();
      };

      const handle = (value: V): void => {
        busy = true;
        let out: Accumulated<A>;
        try {
          out = accumulator(acc, value, index++);
        } catch (err) {
          subscriber.error(err);
          return;
        }
        if (!isAsync(out)) {
          acc = out;
          subscriber.next(out);
          busy = false;
          return;
        }
        let settled = false;
        const subscription = from(out as ObservableInput<A>).subscribe({
          next: (next) => {
            acc = next;
            subscriber.next(next);
          },
          error: (err: unknown) => subscriber.error(err),
          complete: () => {
            settled = true;
            pending = undefined;
            busy = false;
            drain();
          },
        });
        if (!settled) pending = subscription;
      };

      const sourceSubscription = source.subscribe({
        next: (value) => {
          if (busy || queue.length > 0) {
            queue.push(value);
            return;
          }
          handle(value);
          drain();
        },
        error: (err: unknown) => subscriber.error(err),
        complete: () => {
          sourceDone = true;
          drain();
        },
      });
      return () => {
        sourceSubscription.unsubscribe();
        pending?.unsubscribe();
        queue.length = 0;
      };
    });
}

function isAsync<A>(value: Accumulated<A>): value is PromiseLike<A> | Observable<A> {
  return (
    isObservable(value) ||
    (typeof value === 'object' &&
      value !== null &&
      typeof (value as { then?: unknown }).then === 'function')
  );
}
