import { describe, expect, it } from 'vitest';
import type { SchedulerAction, SchedulerLike, Subscription } from 'rxjs';
import {
  Mailbox,
  MAILBOX_SLICE,
  MAILBOX_SLICE_MS,
  type MailboxHost,
} from '../../src/operators/mailbox.js';

/** A scheduler whose actions run only when the test says so, and whose clock the test sets. */
function manualScheduler() {
  const actions: { work: () => void; cancelled: boolean }[] = [];
  let time = 0;
  const scheduler: SchedulerLike = {
    now: () => time,
    schedule<T>(work: (this: SchedulerAction<T>, state?: T) => void, _delay?: number, state?: T) {
      const entry = { work: () => undefined as void, cancelled: false };
      const subscription = {
        unsubscribe: () => void (entry.cancelled = true),
      } as unknown as Subscription;
      entry.work = () => work.call(subscription as unknown as SchedulerAction<T>, state);
      actions.push(entry);
      return subscription;
    },
  };
  return {
    scheduler,
    advance: (ms: number) => void (time += ms),
    pending: () => actions.filter((a) => !a.cancelled).length,
    runNext: () => {
      const next = actions.shift();
      if (next && !next.cancelled) next.work();
    },
  };
}

/** A host that waits (asynchronously) on values named in `waitOn`, and records what ran. */
function recordingHost(
  waitOn: ReadonlySet<number>,
  onRun: (value: number) => void = () => undefined,
) {
  const ran: number[] = [];
  const host: MailboxHost<number> = {
    run: (value) => {
      ran.push(value);
      onRun(value);
      return !waitOn.has(value);
    },
    dequeued: () => undefined,
  };
  return { host, ran };
}

describe('Mailbox', () => {
  it('runs a value at once when idle, and queues values while one waits', () => {
    const { scheduler } = manualScheduler();
    const { host, ran } = recordingHost(new Set([1]));
    const mailbox = new Mailbox(host, scheduler);
    mailbox.put(1);
    mailbox.put(2);
    mailbox.put(3);
    expect(ran).toEqual([1]);
    expect(mailbox.length).toBe(2);
    mailbox.settled();
    expect(ran).toEqual([1, 2, 3]);
    expect(mailbox.idle).toBe(true);
  });

  it('queues values put re-entrantly while one runs, and runs them after it', () => {
    const { scheduler } = manualScheduler();
    const box: { mailbox?: Mailbox<number> } = {};
    const { host, ran } = recordingHost(new Set(), (value) => {
      if (value === 1) {
        box.mailbox?.put(2);
        expect(ranSoFar()).toEqual([1]);
      }
    });
    const ranSoFar = () => [...ran];
    const mailbox = new Mailbox(host, scheduler);
    box.mailbox = mailbox;
    mailbox.put(1);
    expect(ran).toEqual([1, 2]);
  });

  it('drains a backlog in slices of MAILBOX_SLICE, yielding to the scheduler in between', () => {
    const manual = manualScheduler();
    const { host, ran } = recordingHost(new Set([0]));
    const mailbox = new Mailbox(host, manual.scheduler);
    const backlog = MAILBOX_SLICE * 2 + 10;
    for (let i = 0; i <= backlog; i++) mailbox.put(i);
    mailbox.settled();
    // The slice includes the value that ran first: an asynchronous result does not end a slice.
    expect(ran.length).toBe(MAILBOX_SLICE);
    expect(manual.pending()).toBe(1);
    // A value arriving between slices waits behind the backlog.
    mailbox.put(-1);
    manual.runNext();
    expect(ran.length).toBe(2 * MAILBOX_SLICE);
    manual.runNext();
    expect(ran).toEqual([...Array.from({ length: backlog + 1 }, (_, i) => i), -1]);
    expect(manual.pending()).toBe(0);
  });

  it('handles at most a slice synchronously, then goes on from a scheduled action', () => {
    const manual = manualScheduler();
    const { host, ran } = recordingHost(new Set());
    const mailbox = new Mailbox(host, manual.scheduler);
    const queued = Array.from({ length: MAILBOX_SLICE + 3 }, (_, i) => mailbox.put(i));
    expect(queued.filter(Boolean).length).toBe(3);
    expect(ran.length).toBe(MAILBOX_SLICE);
    manual.runNext();
    expect(ran.length).toBe(MAILBOX_SLICE + 3);
    // A new read starts a new slice at once.
    mailbox.startSlice();
    mailbox.put(-1);
    expect(ran.at(-1)).toBe(-1);
  });

  it('starts a new slice for a value arriving once the used-up slice is MAILBOX_SLICE_MS old', () => {
    const manual = manualScheduler();
    const { host, ran } = recordingHost(new Set());
    const mailbox = new Mailbox(host, manual.scheduler);
    // Info only: no read ever starts a slice.
    for (let i = 0; i < MAILBOX_SLICE; i++) mailbox.put(i);
    expect(ran.length).toBe(MAILBOX_SLICE);
    manual.advance(MAILBOX_SLICE_MS - 1);
    // Still the same slice: the value waits for the scheduled action.
    expect(mailbox.put(-1)).toBe(true);
    expect(manual.pending()).toBe(1);
    manual.runNext();
    expect(ran.at(-1)).toBe(-1);
    // The continuation's slice in turn: used up, then over once its time has passed.
    for (let i = 1; i < MAILBOX_SLICE; i++) mailbox.put(i);
    expect(mailbox.put(-2)).toBe(true);
    manual.runNext();
    for (let i = 1; i < MAILBOX_SLICE; i++) mailbox.put(i);
    manual.advance(MAILBOX_SLICE_MS);
    expect(mailbox.put(-3)).toBe(false);
    expect(ran.at(-1)).toBe(-3);
    expect(manual.pending()).toBe(0);
  });

  it('also yields when a slice runs longer than its time budget', () => {
    const manual = manualScheduler();
    const { host, ran } = recordingHost(new Set([0]), () => manual.advance(1));
    const mailbox = new Mailbox(host, manual.scheduler);
    for (let i = 0; i <= 100; i++) mailbox.put(i, true);
    mailbox.settled();
    // 1 ms per value: the budget (4 ms) is first checked before the 16th value of the slice.
    expect(ran.length).toBe(1 + 15);
    expect(manual.pending()).toBe(1);
  });

  it('drops the backlog and the pending continuation on close', () => {
    const manual = manualScheduler();
    const { host, ran } = recordingHost(new Set([0]));
    const mailbox = new Mailbox(host, manual.scheduler);
    for (let i = 0; i <= MAILBOX_SLICE + 5; i++) mailbox.put(i);
    mailbox.settled();
    mailbox.close();
    manual.runNext();
    mailbox.put(99);
    expect(ran.length).toBe(MAILBOX_SLICE);
    expect(mailbox.length).toBe(0);
  });
});
