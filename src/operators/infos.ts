import { Observable, type OperatorFunction } from 'rxjs';
import type { HandlerEvent } from '../handler/events.js';

/**
 * Keeps the info messages sent to the connection's mailbox, unwrapped; frames are dropped.
 *
 * ```
 * source: -t-i-b-j-      i, j = info events carrying x, y
 * result: ---x---y-
 * ```
 *
 * @return A function from connection messages to the info values, typed `I`.
 */
export function infos<I>(): OperatorFunction<HandlerEvent<I>, I> {
  return (source) =>
    new Observable<I>((subscriber) =>
      source.subscribe({
        next: (event) => {
          if (event.type === 'info') subscriber.next(event.info);
        },
        error: (err: unknown) => subscriber.error(err),
        complete: () => subscriber.complete(),
      }),
    );
}
