import { Observable, Subject, type OperatorFunction } from 'rxjs';
import type { ConnectionEvent, ConnectionOutput, HandlerEvent } from '../handler/events.js';

/**
 * Routes a connection's events: frames and info go to `behaviour` (which may subscribe to them more
 * than once), end events skip it and come out at once as terminal notifications. The behaviour's
 * outputs are passed through. Completion of either side completes the result. After the first end
 * event nothing more reaches the behaviour, so a handler is never called after its `terminate`
 * (which runs when the terminal is consumed), even if `terminate` sends the connection info.
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
  behaviour: (messages$: Observable<HandlerEvent<I>>) => Observable<ConnectionOutput>,
): OperatorFunction<ConnectionEvent<I>, ConnectionOutput> {
  return (source) =>
    new Observable<ConnectionOutput>((subscriber) => {
      const messages = new Subject<HandlerEvent<I>>();
      let ended = false;
      const route = (event: ConnectionEvent<I>): void => {
        if (ended) return;
        if (event.type !== 'end') {
          messages.next(event);
          return;
        }
        ended = true;
        subscriber.next({ type: 'terminal', reason: event.reason });
      };
      // The source is subscribed first, so that what it emits while the behaviour starts (e.g.
      // info sent from websocketInit) is kept; it is held until the behaviour is listening.
      let early: ConnectionEvent<I>[] | null = [];
      let earlyEnd: { error: unknown } | 'complete' | null = null;
      const events = source.subscribe({
        next: (event) => (early ? early.push(event) : route(event)),
        error: (err: unknown) => (early ? (earlyEnd = { error: err }) : subscriber.error(err)),
        complete: () => (early ? (earlyEnd = 'complete') : subscriber.complete()),
      });
      const outputs = behaviour(messages).subscribe(subscriber);
      const held = early;
      early = null;
      for (let i = 0; i < held.length && !subscriber.closed; i++)
        route(held[i] as ConnectionEvent<I>);
      if (earlyEnd === 'complete') subscriber.complete();
      else if (earlyEnd !== null) subscriber.error((earlyEnd as { error: unknown }).error);
      return () => {
        events.unsubscribe();
        outputs.unsubscribe();
      };
    });
}
