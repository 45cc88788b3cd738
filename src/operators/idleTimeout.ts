import {
  asyncScheduler,
  isObservable,
  Observable,
  of,
  type MonoTypeOperatorFunction,
  type SchedulerLike,
} from 'rxjs';
import type { ConnectionEvent } from '../handler/events.js';
import { reasons } from '../handler/reasons.js';
import { IdleClock, WakeQueue, type IdleClockOwner } from './idleClock.js';

export { MAX_TIMER_DELAY, timerDelay } from './idleClock.js';

/**
 * Ends a connection's event stream with a `timeout` end event when no frame was received for the
 * current idle timeout — the engine's own rule (`IdleClock`), as an operator.
 *
 * Only received frames (pings and pongs too) count as activity; info messages do not. Each value of
 * `duration` replaces the timeout and restarts the wait from that moment (`Infinity` disables it).
 * The timer is one scheduled action per connection, re-armed lazily: a frame only records the time.
 *
 * ```
 * source:   -f--i-f---------      f = frame, i = info (not activity)
 * duration: 6
 * result:   -f--i-f-----(e|)      e = end(timeout), six frames after the last f
 * ```
 *
 * @param duration The idle timeout in milliseconds, or an Observable of successive values.
 * @param scheduler Where time comes from; virtual time under `TestScheduler.run`.
 * @return A function that passes events through and appends `end(timeout)` once idle.
 */
export function idleTimeout<I>(
  duration: number | Observable<number>,
  scheduler: SchedulerLike = asyncScheduler,
): MonoTypeOperatorFunction<ConnectionEvent<I>> {
  const durations = isObservable(duration) ? duration : of(duration);
  return (source) =>
    new Observable<ConnectionEvent<I>>((subscriber) => {
      const owner: IdleClockOwner = {
        idleTimedOut: () => {
          subscriber.next({ type: 'end', reason: reasons.timeout });
          subscriber.complete();
        },
        keepaliveDue: () => undefined,
      };
      const clock = new IdleClock(new WakeQueue(scheduler), owner);
      const durationSubscription = durations.subscribe({
        next: (ms) => clock.set(ms, Infinity),
        error: (err: unknown) => subscriber.error(err),
      });
      const sourceSubscription = source.subscribe({
        next: (event) => {
          if (event.type === 'frame') clock.touch();
          subscriber.next(event);
        },
        error: (err: unknown) => subscriber.error(err),
        complete: () => subscriber.complete(),
      });
      return () => {
        sourceSubscription.unsubscribe();
        durationSubscription.unsubscribe();
        clock.stop();
      };
    });
}
