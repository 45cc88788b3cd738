/**
 * Clock: once a second the connection's own mailbox gets a tick (info), and each tick becomes a
 * text frame with the time. Shows `websocketInit` arming a timer and `terminate` clearing it. It
 * ignores what the peer sends, and takes only small messages (1 KiB).
 */
import { asyncScheduler, interval, type SchedulerLike, type Subscription } from 'rxjs';
import { ok, reply, text, upgrade, type Handler } from '../src/index.js';

/** Options of the clock handler. */
export interface ClockOptions {
  /** Milliseconds between ticks (default 1000). */
  readonly interval?: number;
  /** Time source for the timer and the clock; virtual time in tests. */
  readonly scheduler?: SchedulerLike;
}

/** The clock reads nothing: a message over this many bytes closes the connection with 1009. */
export const CLOCK_MAX_FRAME_SIZE = 1024;

/** A tick: the scheduler's time in epoch milliseconds when the timer fired. */
export type Tick = number;

/** The clock's state: the running timer, once `websocketInit` armed it. */
export interface ClockState {
  readonly timer: Subscription | null;
}

/**
 * A handler that sends the time as ISO 8601 text every `interval` milliseconds.
 *
 * ```
 * events:  ----------p      (interval 3) p = end(remote)
 * output:  ---a--b--c(t|)   a, b, c = text(time)
 * ```
 *
 * @param options Tick interval and scheduler.
 * @return The clock handler; its timer is released in `terminate` on every path.
 */
export function clockHandler(options: ClockOptions = {}): Handler<ClockState, Tick> {
  const every = options.interval ?? 1000;
  const scheduler = options.scheduler ?? asyncScheduler;
  return {
    init: () => upgrade({ timer: null }, { maxFrameSize: CLOCK_MAX_FRAME_SIZE }),
    websocketInit: (_state, ctx) =>
      ok({ timer: interval(every, scheduler).subscribe(() => ctx.ref.send(scheduler.now())) }),
    websocketHandle: (_frame, state) => ok(state),
    websocketInfo: (tick, state) => reply(text(new Date(tick).toISOString()), state),
    terminate: (_reason, _req, state) => state?.timer?.unsubscribe(),
  };
}
