import { Observable, type MonoTypeOperatorFunction } from 'rxjs';
import type { ConnectionOutput } from '../handler/events.js';
import { close } from '../handler/frames.js';
import { closeCodeFor, reasons, type TerminateReason } from '../handler/reasons.js';
import { ownsClose, terminalOf } from './endRules.js';

/** What {@link endOnce} is told. */
export interface EndOnceOptions {
  /** Called exactly once with the reason, before the terminal notification is emitted. */
  readonly onEnd: (reason: TerminateReason) => void;
  /** The reason for an error of the source (default: a crash of `pipeline`). */
  readonly crashReason?: (error: unknown) => TerminateReason;
}

/**
 * Guarantees the connection's contract, with the engine's own rules for the close frame it owes
 * (`ownsClose`) and the terminal (`terminalOf`): the output ends with exactly one terminal notification and
 * completes, and never errors.
 *
 * 1. The first terminal notification ends the stream; the source is unsubscribed.
 * 2. An error of the source becomes a `crash` terminal; completion without one becomes
 *    `error closed` (the transport went away without saying why).
 * 3. For ends the server side decides (timeout, crash, shutdown, backpressure) a close frame with
 *    the reason's code is emitted before the terminal; a `stop` brings its own close frame; ends
 *    the peer or transport caused (remote, error) are answered by the transport.
 * 4. `onEnd` runs exactly once, before the terminal is emitted — also when the subscriber
 *    unsubscribes first, with `error closed`.
 * 5. The last `shutdownReason` command seen is carried on the terminal notification.
 *
 * ```
 * source: -a-#          # = error
 * result: -a-(ct|)      c = close(1011), t = terminal(crash)
 * ```
 *
 * @param options `onEnd` and how to read errors.
 * @return A function that ends the output exactly once.
 */
export function endOnce(options: EndOnceOptions): MonoTypeOperatorFunction<ConnectionOutput> {
  const crashReason = options.crashReason ?? ((error) => reasons.crash('pipeline', error));
  return (source) =>
    new Observable<ConnectionOutput>((subscriber) => {
      let ended = false;
      let shutdownReason: { value: unknown } | undefined;

      const end = (reason: TerminateReason): void => {
        if (ended) return;
        ended = true;
        const code = ownsClose(reason) ? closeCodeFor(reason) : null;
        if (code !== null) subscriber.next(close(code));
        options.onEnd(reason);
        subscriber.next(terminalOf(reason, shutdownReason));
        subscriber.complete();
      };

      const subscription = source.subscribe({
        next: (output) => {
          if (ended) return;
          if (output.type === 'terminal') {
            end(output.reason);
            return;
          }
          if (output.type === 'shutdownReason') shutdownReason = { value: output.reason };
          subscriber.next(output);
        },
        error: (err: unknown) => end(crashReason(err)),
        complete: () => end(reasons.error('closed')),
      });
      return () => {
        subscription.unsubscribe();
        if (!ended) {
          ended = true;
          options.onEnd(reasons.error('closed'));
        }
      };
    });
}
