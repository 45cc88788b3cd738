import type { SchedulerAction, SchedulerLike, Subscription } from 'rxjs';

/**
 * The longest delay a Node timer keeps, in milliseconds (2³¹ − 1, about 24.8 days); Node fires
 * longer ones after 1 ms. Longer idle timeouts are waited out in steps of at most this.
 */
export const MAX_TIMER_DELAY = 2 ** 31 - 1;

/** Who an idle clock tells. */
export interface IdleClockOwner {
  /** Nothing was received for the idle timeout. The clock has stopped. */
  idleTimedOut(): void;
  /** Nothing was received for `keepalive` ms (or `keepalive` ms since the last ping): ping now. */
  keepaliveDue(): void;
}

/**
 * A wait of `ms` as a timer delay: never negative, and capped so that a longer idle timeout is
 * reached by re-arming (the check re-arms with what is left) instead of a timer firing at once.
 */
export function timerDelay(ms: number): number {
  return Math.min(Math.max(0, ms), MAX_TIMER_DELAY);
}

/**
 * One connection's idle clock, the rule behind `idleTimeout` and the engine: only received data
 * counts as activity; after `timeout` ms without any the owner is told `idleTimedOut`, and after
 * every `keepalive` ms without any, `keepaliveDue` (a ping whose pong is activity again).
 *
 * It is one scheduled action, re-armed lazily: receiving data only records the time, and the
 * action, when it wakes, works out whether anything is due and when to wake next. Keepalive adds
 * no timer of its own.
 *
 * ```
 * received:  -f--------------      timeout 10, keepalive 4
 * told:      -----k---k-t          k = keepaliveDue, t = idleTimedOut (10 after the last f)
 * ```
 */
export class IdleClock {
  readonly #scheduler: SchedulerLike;
  readonly #owner: IdleClockOwner;
  #timeout = Infinity;
  #keepalive = Infinity;
  #lastActivity: number;
  #lastPing = -Infinity;
  #timer: Subscription | null = null;

  constructor(scheduler: SchedulerLike, owner: IdleClockOwner) {
    this.#scheduler = scheduler;
    this.#owner = owner;
    this.#lastActivity = scheduler.now();
  }

  /** Data was received. */
  touch(): void {
    this.#lastActivity = this.#scheduler.now();
  }

  /** Sets both durations (`Infinity` disables either), counting from now. */
  set(timeout: number, keepalive: number): void {
    this.#timeout = timeout;
    this.#keepalive = keepalive;
    this.#lastActivity = this.#scheduler.now();
    this.stop();
    const wake = this.#nextWake();
    if (Number.isFinite(wake)) {
      this.#timer = this.#scheduler.schedule(
        wakeClock,
        timerDelay(wake - this.#lastActivity),
        this,
      );
    }
  }

  /** The idle timeout in force. */
  get timeout(): number {
    return this.#timeout;
  }

  /** The keepalive interval in force. */
  get keepalive(): number {
    return this.#keepalive;
  }

  /** Stops the clock for good (or until the next `set`). */
  stop(): void {
    this.#timer?.unsubscribe();
    this.#timer = null;
  }

  /** Called by the timer: tells the owner what is due, then re-arms for what is left. */
  wake(action: SchedulerAction<IdleClock>): void {
    const now = this.#scheduler.now();
    if (now - this.#lastActivity >= this.#timeout) {
      this.stop();
      this.#owner.idleTimedOut();
      return;
    }
    if (now >= Math.max(this.#lastActivity, this.#lastPing) + this.#keepalive) {
      this.#lastPing = now;
      this.#owner.keepaliveDue();
      // The ping may have ended the connection (its owner stopped the clock).
      if (this.#timer === null) return;
    }
    action.schedule(this, timerDelay(this.#nextWake() - now));
  }

  #nextWake(): number {
    const deadline = this.#lastActivity + this.#timeout;
    const ping = Math.max(this.#lastActivity, this.#lastPing) + this.#keepalive;
    return Math.min(deadline, ping);
  }
}

/** Shared by every clock's timer: no closure per connection. */
function wakeClock(this: SchedulerAction<IdleClock>, clock?: IdleClock): void {
  clock?.wake(this);
}
