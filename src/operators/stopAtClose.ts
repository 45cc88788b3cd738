import { Observable, type MonoTypeOperatorFunction } from 'rxjs';
import type { ConnectionOutput } from '../handler/events.js';
import { reasons } from '../handler/reasons.js';

/**
 * Ends an output stream at the first close frame: the close frame is emitted, then a `stop` terminal
 * notification, then the stream completes. Whatever came after the close is never emitted.
 *
 * ```
 * source: -a-c-b--      c = close frame
 * result: -a-(ct|)      t = terminal(stop)
 * ```
 *
 * @return A function that passes outputs through up to and including the first close frame.
 */
export function stopAtClose(): MonoTypeOperatorFunction<ConnectionOutput> {
  return (source) =>
    new Observable<ConnectionOutput>((subscriber) =>
      source.subscribe({
        next: (output) => {
          subscriber.next(output);
          if (output.type === 'close') {
            subscriber.next({ type: 'terminal', reason: reasons.stop });
            subscriber.complete();
          }
        },
        error: (err: unknown) => subscriber.error(err),
        complete: () => subscriber.complete(),
      }),
    );
}
