import type { SchedulerLike, Subscription } from 'rxjs';

/**
 * The longest delay a Node timer keeps, in milliseconds (2³¹ − 1, about 24.8 days); Node fires
 * longer ones after 1 ms. Longer waits are reached in steps of at most this.
 */
export const MAX_TIMER_DELAY = 2 ** 31 - 1;

/**
 * A wait of `ms` as a timer delay: never negative, and capped so that a longer wait is reached by
 * re-arming (the queue re-arms with what is left) instead of a timer firing at once.
 */
export function timerDelay(ms: number): number {
  return Math.min(Math.max(0, ms), MAX_TIMER_DELAY);
}

/**
 * What a `WakeQueue` holds. The three numbers are the queue's bookkeeping, kept on the sleeper
 * itself so that waiting costs no object of its own; only the queue writes them.
 */
export interface Sleeper {
  /** When to wake, in the scheduler's time (set by `WakeQueue#add`). */
  wakeAt: number;
  /** Its index in the queue, or -1 when it is not queued. */
  wakeSlot: number;
  /** Ties on `wakeAt` wake in the order they were queued. */
  wakeOrder: number;
  /** Its time came; it is no longer queued (it may queue itself again). */
  wake(): void;
}

/**
 * Sleepers waiting on one scheduler, soonest first, woken by one scheduled action: a server's idle
 * clocks share one timer instead of holding one each (a Node timer and an rxjs action cost about
 * 300 B per connection). A binary heap ordered by (`wakeAt`, `wakeOrder`): queuing and removing are
 * O(log n) and happen when a connection starts, ends, changes its timeout or wakes — never per
 * frame. Time is the scheduler's, so a queue on a `TestScheduler` runs in virtual time.
 *
 * ```
 * queued:   a(at 5)  b(at 3)  c(at 5)
 * woken:    ---b-(ac)            one action, armed for the soonest; ties in queuing order
 * ```
 */
export class WakeQueue {
  readonly scheduler: SchedulerLike;
  readonly #heap: Sleeper[] = [];
  #nextOrder = 0;
  #action: Subscription | null = null;
  /** When the armed action fires (`Infinity` when none is armed). */
  #armedAt = Infinity;
  #waking = false;

  constructor(scheduler: SchedulerLike) {
    this.scheduler = scheduler;
  }

  /** Sleepers queued. */
  get size(): number {
    return this.#heap.length;
  }

  /** Queues `sleeper` to wake at `at` (scheduler time), moving it if it was queued already. */
  add(sleeper: Sleeper, at: number): void {
    if (sleeper.wakeSlot !== -1) this.#take(sleeper.wakeSlot);
    sleeper.wakeAt = at;
    sleeper.wakeOrder = this.#nextOrder++;
    sleeper.wakeSlot = this.#heap.length;
    this.#heap.push(sleeper);
    this.#up(sleeper.wakeSlot);
    if (!this.#waking && at < this.#armedAt) this.#arm(at);
  }

  /** Takes `sleeper` out of the queue (nothing happens if it is not queued). */
  remove(sleeper: Sleeper): void {
    if (sleeper.wakeSlot === -1) return;
    this.#take(sleeper.wakeSlot);
    // With nobody left, no timer keeps the process alive; otherwise an early wake finds nothing
    // due and re-arms.
    if (this.#heap.length === 0) this.#disarm();
  }

  /**
   * Wakes every sleeper that is due and was queued before this wake began (one queued again for
   * now waits for the next turn, as a timer of delay 0 would), then arms for the next one.
   */
  #wakeDue(): void {
    this.#action = null;
    this.#armedAt = Infinity;
    this.#waking = true;
    const now = this.scheduler.now();
    const before = this.#nextOrder;
    try {
      for (let first = this.#heap[0]; first !== undefined; first = this.#heap[0]) {
        if (first.wakeAt > now || first.wakeOrder >= before) break;
        this.#take(0);
        first.wake();
      }
    } finally {
      this.#waking = false;
      const first = this.#heap[0];
      if (first !== undefined) this.#arm(first.wakeAt);
    }
  }

  /** The queue's one action: no closure per arming. */
  static #fire(this: unknown, queue?: WakeQueue): void {
    if (queue !== undefined) queue.#wakeDue();
  }

  #arm(at: number): void {
    this.#action?.unsubscribe();
    this.#armedAt = at;
    const delay = timerDelay(at - this.scheduler.now());
    this.#action = this.scheduler.schedule(WakeQueue.#fire, delay, this);
  }

  #disarm(): void {
    this.#action?.unsubscribe();
    this.#action = null;
    this.#armedAt = Infinity;
  }

  /** Removes the sleeper at `slot`, keeping the heap ordered. */
  #take(slot: number): void {
    const heap = this.#heap;
    const taken = heap[slot] as Sleeper;
    const last = heap.pop() as Sleeper;
    taken.wakeSlot = -1;
    if (last === taken) return;
    heap[slot] = last;
    last.wakeSlot = slot;
    this.#up(slot);
    this.#down(last.wakeSlot);
  }

  #up(slot: number): void {
    const heap = this.#heap;
    const moving = heap[slot] as Sleeper;
    while (slot > 0) {
      const parentSlot = (slot - 1) >> 1;
      const parent = heap[parentSlot] as Sleeper;
      if (!earlier(moving, parent)) break;
      heap[slot] = parent;
      parent.wakeSlot = slot;
      slot = parentSlot;
    }
    heap[slot] = moving;
    moving.wakeSlot = slot;
  }

  #down(slot: number): void {
    const heap = this.#heap;
    const moving = heap[slot] as Sleeper;
    for (;;) {
      const left = 2 * slot + 1;
      if (left >= heap.length) break;
      const right = left + 1;
      const child =
        right < heap.length && earlier(heap[right] as Sleeper, heap[left] as Sleeper)
          ? right
          : left;
      const next = heap[child] as Sleeper;
      if (!earlier(next, moving)) break;
      heap[slot] = next;
      next.wakeSlot = slot;
      slot = child;
    }
    heap[slot] = moving;
    moving.wakeSlot = slot;
  }
}

function earlier(a: Sleeper, b: Sleeper): boolean {
  return a.wakeAt < b.wakeAt || (a.wakeAt === b.wakeAt && a.wakeOrder < b.wakeOrder);
}
