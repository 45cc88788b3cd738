import type { WakeQueue } from './wakeQueue.js';
import { type Sleeper } from './wakeQueue.js';

export { MAX_TIMER_DELAY, timerDelay, WakeQueue } from './wakeQueue.js';

/** Who an idle clock tells. */
export interface IdleClockOwner {
  /** Nothing was received for the idle timeout. The clock has stopped. */
  idleTimedOut(): void;
  /** Nothing was received for `keepalive` ms (or `keepalive` ms since the last ping): ping now. */
  keepaliveDue(): void;
}

/**
 * One connection's idle clock, the rule behind `idleTimeout` and the engine: only received data
 * counts as activity; after `timeout` ms without any the owner is told `idleTimedOut`, and after
 * every `keepalive` ms without any, `keepaliveDue` (a ping whose pong is activity again).
 *
 * It waits in a `WakeQueue` (a server's clocks share one, and so one timer), re-queued lazily:
 * receiving data only records the time, and the clock, when it wakes, works out whether anything
 * is due and when to wake next. Keepalive adds no wait of its own.
 *
 * ```
 * received:  -f--------------      timeout 10, keepalive 4
 * told:      -----k---k-t          k = keepaliveDue, t = idleTimedOut (10 after the last f)
 * ```
 */
export class IdleClock implements Sleeper {
  wakeAt = Infinity;
  wakeSlot = -1;
  wakeOrder = 0;
  readonly #queue: WakeQueue;
  readonly #owner: IdleClockOwner;
  #timeout = Infinity;
  #keepalive = Infinity;
  #lastActivity: number;
  #lastPing = -Infinity;
  /** Whether the clock runs: set with a finite duration, not stopped, not timed out. */
  #running = false;

  constructor(queue: WakeQueue, owner: IdleClockOwner) {
    this.#queue = queue;
    this.#owner = owner;
    this.#lastActivity = queue.scheduler.now();
  }

  /** Data was received. */
  touch(): void {
    this.#lastActivity = this.#queue.scheduler.now();
  }

  /** Sets both durations (`Infinity` disables either), counting from now. */
  set(timeout: number, keepalive: number): void {
    this.#timeout = timeout;
    this.#keepalive = keepalive;
    this.#lastActivity = this.#queue.scheduler.now();
    const wake = this.#nextWake();
    this.#running = Number.isFinite(wake);
    if (this.#running) this.#queue.add(this, wake);
    else this.#queue.remove(this);
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
    this.#running = false;
    this.#queue.remove(this);
  }

  /** Called by the queue: tells the owner what is due, then waits for what is left. */
  wake(): void {
    const now = this.#queue.scheduler.now();
    if (now - this.#lastActivity >= this.#timeout) {
      this.#running = false;
      this.#owner.idleTimedOut();
      return;
    }
    if (now >= Math.max(this.#lastActivity, this.#lastPing) + this.#keepalive) {
      this.#lastPing = now;
      this.#owner.keepaliveDue();
      // The ping may have ended the connection (its owner stopped the clock) or set it again.
      if (!this.#running || this.wakeSlot !== -1) return;
    }
    this.#queue.add(this, this.#nextWake());
  }

  #nextWake(): number {
    const deadline = this.#lastActivity + this.#timeout;
    const ping = Math.max(this.#lastActivity, this.#lastPing) + this.#keepalive;
    return Math.min(deadline, ping);
  }
}
