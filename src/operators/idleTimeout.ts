import {
  asyncScheduler,
  isObservable,
  Observable,
  of,
  type MonoTypeOperatorFunction,
  type SchedulerAction,
  type SchedulerLike,
  type Subscription,
} from 'rxjs';
import type { ConnectionEvent } from '../handler/events.js';
import { reasons } from '../handler/reasons.js';

/** The longest delay a Node timer keeps (about 24.8 days); longer ones fire after 1 ms. */
export const MAX_TIMER_DELAY = 2 ** 31 - 1;

/**
 * A wait of `ms` as a timer delay: never negative, and capped so that a longer idle timeout is
 * reached by re-arming (the check re-arms with what is left) instead of a timer firing at once.
 */
export function timerDelay(ms: number): number {
  return Math.min(Math.max(0, ms), MAX_TIMER_DELAY);
}

/**
 * Ends a connection's event stream with a `timeout` end event when no frame was received for the
 * current idle timeout.
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
      let timeout = Infinity;
      let lastActivity = scheduler.now();
      let timer: Subscription | undefined;

      function check(this: SchedulerAction<undefined>): void {
        const remaining = lastActivity + timeout - scheduler.now();
        if (remaining > 0) {
          this.schedule(undefined, timerDelay(remaining));
          return;
        }
        subscriber.next({ type: 'end', reason: reasons.timeout });
        subscriber.complete();
      }

      const durationSubscription = durations.subscribe({
        next: (ms) => {
          timeout = ms;
          lastActivity = scheduler.now();
          timer?.unsubscribe();
          timer = Number.isFinite(ms) ? scheduler.schedule(check, timerDelay(ms)) : undefined;
        },
        error: (err: unknown) => subscriber.error(err),
      });
      const sourceSubscription = source.subscribe({
        next: (event) => {
          if (event.type === 'frame') lastActivity = scheduler.now();
          subscriber.next(event);
        },
        error: (err: unknown) => subscriber.error(err),
        complete: () => subscriber.complete(),
      });
      return () => {
        sourceSubscription.unsubscribe();
        durationSubscription.unsubscribe();
        timer?.unsubscribe();
      };
    });
}
