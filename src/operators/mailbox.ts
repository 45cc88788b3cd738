import type { SchedulerAction, SchedulerLike, Subscription } from 'rxjs';
import { RingQueue } from './ringQueue.js';

/** Most values one slice handles before the mailbox yields to the event loop. */
export const MAILBOX_SLICE = 256;

/** Milliseconds one slice may take before the mailbox yields, whatever the count. */
export const MAILBOX_SLICE_MS = 4;

/** What a mailbox hands its values to. */
export interface MailboxHost<V> {
  /**
   * Handles one value. Returns `true` when done with it, `false` when it waits for something (an
   * asynchronous result): it then calls `settled()` once done.
   */
  run(value: V): boolean;
  /** A value that waited in the queue is about to run (for accounting). */
  dequeued(value: V): void;
  /** Nothing runs and nothing waits any more (after a drain). */
  emptied?(): void;
}

/**
 * The rule behind `mailboxScan` and the engine's callback mailbox: values are handled strictly one
 * at a time, in arrival order, like messages in an Erlang mailbox — and in slices, so that no
 * mailbox holds the event loop for long.
 *
 * 1. A value arriving while nothing runs is handled at once, on the caller's stack: the
 *    synchronous path queues nothing and schedules nothing.
 * 2. A value arriving while another runs (or waits for its asynchronous result, or re-entrantly,
 *    while it is being handled) waits in a ring buffer: O(1) per value, whatever the backlog.
 * 3. Values are handled in slices of at most `MAILBOX_SLICE` values or `MAILBOX_SLICE_MS`
 *    milliseconds (time is checked every 16 values, for `timed` values only). Past a slice,
 *    values wait, and a scheduled action goes on with them, so a burst — a socket read full of
 *    tiny frames, a long backlog — never holds the event loop (under `TestScheduler` the
 *    continuation runs in the same frame). `startSlice` starts a new slice (a new socket read).
 * 4. A slice is over once `MAILBOX_SLICE_MS` have passed since it used up its budget: a value then
 *    arriving while nothing runs or waits starts a new slice and is handled at once. A connection
 *    that only receives info (no reads to start slices) thus never waits for a scheduled action
 *    because of values handled long ago; a synchronous flood still gets one slice, then waits.
 *
 * ```
 * put:     -abc-------      a waits for an asynchronous result until frame 3
 * handled: -a--(bc)---      b and c waited, in order
 *
 * (slice of 2 values, nothing waiting in between)
 * put:     -(ab)-c----d--   c arrives in the used-up slice; d at least MAILBOX_SLICE_MS after b
 * handled: -(ab)-c----d--   c waits for the scheduled action (in virtual time: the same frame),
 *                           d starts a new slice and is handled at once, nothing is scheduled
 * ```
 */
export class Mailbox<V> {
  readonly #host: MailboxHost<V>;
  readonly #scheduler: SchedulerLike;
  #queue: RingQueue<V> | null = null;
  #busy = false;
  #closed = false;
  #continuation: Subscription | null = null;
  /** Values the current slice may still handle. */
  #budget = MAILBOX_SLICE;
  /** When the current slice handled its first timed value (`NaN`: not yet). */
  #sliceStart = NaN;
  /** When the current slice used up its budget (`NaN`: not yet). */
  #spentAt = NaN;

  constructor(host: MailboxHost<V>, scheduler: SchedulerLike) {
    this.#host = host;
    this.#scheduler = scheduler;
  }

  /** How many values wait (not counting the one running). */
  get length(): number {
    return this.#queue?.length ?? 0;
  }

  /** Whether nothing runs and nothing waits. */
  get idle(): boolean {
    return !this.#busy && this.length === 0;
  }

  /**
   * Handles `value` now if nothing runs or waits and the slice allows, otherwise queues it.
   * Returns whether it was queued. `timed` values also count against the slice's time.
   */
  put(value: V, timed = false): boolean {
    if (this.#closed) return false;
    if (this.idle && (this.#spend(timed) || this.#sliceOver(timed))) {
      if (this.#run(value)) this.drain();
      return false;
    }
    (this.#queue ??= new RingQueue<V>()).push(value);
    // Nothing runs: only a past slice holds the value back, so go on from a scheduled action.
    if (!this.#busy) this.#yield();
    return true;
  }

  /** A new slice starts (the caller knows the event loop has turned: a new socket read). */
  startSlice(): void {
    this.#budget = MAILBOX_SLICE;
    this.#sliceStart = NaN;
    this.#spentAt = NaN;
  }

  /** The running value's asynchronous result has settled: go on with the queue. */
  settled(): void {
    this.#busy = false;
    this.drain();
  }

  /** Drops the queue and handles nothing more. */
  close(): void {
    this.#closed = true;
    this.#queue?.clear();
    this.#continuation?.unsubscribe();
    this.#continuation = null;
  }

  /** Handles waiting values until one waits, the queue is empty, or the slice is used up. */
  drain(): void {
    if (this.#continuation !== null) return;
    const queue = this.#queue;
    while (queue !== null && queue.length > 0 && !this.#busy && !this.#closed) {
      if (!this.#spend(true)) {
        this.#yield();
        return;
      }
      const value = queue.shift() as V;
      this.#host.dequeued(value);
      this.#run(value);
    }
    if (this.idle && !this.#closed) this.#host.emptied?.();
  }

  /** Called by the scheduled continuation: a new slice. */
  resumeDrain(): void {
    this.#continuation = null;
    this.startSlice();
    this.drain();
  }

  /** Takes one value's place in the slice; `false` once the slice is used up. */
  #spend(timed: boolean): boolean {
    if (this.#budget === 0) return false;
    if (timed) {
      if (Number.isNaN(this.#sliceStart)) this.#sliceStart = this.#scheduler.now();
      else if ((this.#budget & 15) === 0) {
        const now = this.#scheduler.now();
        if (now - this.#sliceStart >= MAILBOX_SLICE_MS) {
          this.#budget = 0;
          this.#spentAt = now;
          return false;
        }
      }
    }
    if (--this.#budget === 0) this.#spentAt = this.#scheduler.now();
    return true;
  }

  /** Whether the used-up slice ended long enough ago to start a new one (then takes its place). */
  #sliceOver(timed: boolean): boolean {
    if (!(this.#scheduler.now() - this.#spentAt >= MAILBOX_SLICE_MS)) return false;
    this.startSlice();
    return this.#spend(timed);
  }

  #yield(): void {
    this.#continuation ??= this.#scheduler.schedule(continueDrain, 0, this as Mailbox<unknown>);
  }

  #run(value: V): boolean {
    this.#busy = true;
    const done = this.#host.run(value);
    // The host may have closed the mailbox, or settled re-entrantly: only a wait keeps it busy.
    if (done) this.#busy = false;
    return done;
  }
}

/** Shared by every mailbox: no closure per connection. */
function continueDrain(this: SchedulerAction<Mailbox<unknown>>, mailbox?: Mailbox<unknown>): void {
  mailbox?.resumeDrain();
}
