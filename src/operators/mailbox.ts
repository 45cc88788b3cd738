import type { SchedulerAction, SchedulerLike, Subscription } from 'rxjs';
import { RingQueue } from './ringQueue.js';

/** Most values one drain handles before it yields to the event loop. */
export const MAILBOX_SLICE = 256;

/** Milliseconds one drain may run before it yields, whatever the count. */
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
 * at a time, in arrival order, like messages in an Erlang mailbox.
 *
 * 1. A value arriving while nothing runs is handled at once, on the caller's stack: the
 *    synchronous path queues nothing and schedules nothing.
 * 2. A value arriving while another runs (or waits for its asynchronous result, or re-entrantly,
 *    while it is being handled) waits in a ring buffer: O(1) per value, whatever the backlog.
 * 3. A backlog is drained in slices of at most `MAILBOX_SLICE` values or `MAILBOX_SLICE_MS`
 *    milliseconds; then the drain goes on from a scheduled action, so a long backlog never holds
 *    the event loop (under `TestScheduler` the continuation runs in the same frame).
 *
 * ```
 * put:     -abc-------      a waits for an asynchronous result until frame 3
 * handled: -a--(bc)---      b and c waited, in order
 * ```
 */
export class Mailbox<V> {
  readonly #host: MailboxHost<V>;
  readonly #scheduler: SchedulerLike;
  #queue: RingQueue<V> | null = null;
  #busy = false;
  #closed = false;
  #continuation: Subscription | null = null;

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

  /** Handles `value` now if nothing runs or waits, otherwise queues it. */
  put(value: V): void {
    if (this.#closed) return;
    if (!this.idle) {
      (this.#queue ??= new RingQueue<V>()).push(value);
      return;
    }
    if (this.#run(value)) this.drain();
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
    if (queue !== null && queue.length > 0) {
      const started = this.#scheduler.now();
      for (let handled = 0; !this.#busy && !this.#closed && queue.length > 0; handled++) {
        if (
          handled === MAILBOX_SLICE ||
          ((handled & 15) === 15 && this.#scheduler.now() - started >= MAILBOX_SLICE_MS)
        ) {
          this.#continuation = this.#scheduler.schedule(continueDrain, 0, this as Mailbox<unknown>);
          return;
        }
        const value = queue.shift() as V;
        this.#host.dequeued(value);
        this.#run(value);
      }
    }
    if (this.idle && !this.#closed) this.#host.emptied?.();
  }

  /** Called by the scheduled continuation. */
  resumeDrain(): void {
    this.#continuation = null;
    this.drain();
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
