import { Observable, Subject, type OperatorFunction } from 'rxjs';
import type { ConnectionEvent, ConnectionOutput, MessageEvent } from '../handler/events.js';

/** What runs a connection's messages: a callback handler's mailbox scan, or a user's pipeline. */
export type Behaviour<I> = (messages$: Observable<MessageEvent<I>>) => Observable<ConnectionOutput>;

/**
 * Routes a connection's events: frames and info go to `behaviour` (which may subscribe to them more
 * than once), end events skip it and come out at once as terminal notifications. The behaviour's
 * outputs are passed through. Completion of either side completes the result.
 *
 * ```
 * source:    -f-i--e        f = frame, i = info, e = end(remote)
 * behaviour: echo frames
 * result:    -f----t        t = terminal(remote)
 * ```
 *
 * @param behaviour Turns the stream of messages into outputs.
 * @return A function from connection events to outputs.
 */
export function dispatch<I>(
  behaviour: Behaviour<I>,
): OperatorFunction<ConnectionEvent<I>, ConnectionOutput> {
  return (source) =>
    new Observable<ConnectionOutput>((subscriber) => {
      const messages = new Subject<MessageEvent<I>>();
      const outputs = behaviour(messages).subscribe(subscriber);
      const events = source.subscribe({
        next: (event) => {
          if (event.type === 'end') subscriber.next({ type: 'terminal', reason: event.reason });
          else messages.next(event);
        },
        error: (err: unknown) => subscriber.error(err),
        complete: () => subscriber.complete(),
      });
      return () => {
        events.unsubscribe();
        outputs.unsubscribe();
      };
    });
}
