import { Observable, type OperatorFunction } from 'rxjs';
import type { Command } from '../handler/commands.js';
import type { HibernateSignal } from '../handler/events.js';
import type { CallResult } from '../handler/results.js';
import { commandsOf, hibernates } from './callResults.js';
import { HIBERNATE } from './outputPort.js';

/**
 * Flattens call results into the commands they carry, in order (the engine's own reading of a
 * result, `commandsOf`): `reply` frames, `commands` lists,
 * and `stop` as a 1000 close frame. A result that asked to hibernate is followed by a `hibernate`
 * signal. Results are expected to be valid (the engine checks them where they are returned).
 *
 * ```
 * source: -r-----o----s-      r = reply([a, b]), o = ok(state, hibernate), s = stop(state)
 * result: -(ab)--h----c-      h = hibernate signal, c = close(1000)
 * ```
 *
 * Emission stops as soon as the subscriber unsubscribes, so a consumer that ends at a close frame
 * never sees the frames listed after it.
 *
 * @return A function from results to commands and hibernate signals.
 */
export function resultCommands<S>(): OperatorFunction<CallResult<S>, Command | HibernateSignal> {
  return (source) =>
    new Observable<Command | HibernateSignal>((subscriber) => {
      const emitAll = (list: readonly Command[]): void => {
        for (let i = 0; i < list.length && !subscriber.closed; i++) {
          subscriber.next(list[i] as Command);
        }
      };
      return source.subscribe({
        next: (result) => {
          emitAll(commandsOf(result));
          if (hibernates(result) && !subscriber.closed) subscriber.next(HIBERNATE);
        },
        error: (err: unknown) => subscriber.error(err),
        complete: () => subscriber.complete(),
      });
    });
}
