import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { asyncScheduler, Subject, type SchedulerLike } from 'rxjs';
import {
  connection,
  idleTimeout,
  MAX_TIMER_DELAY,
  reasons,
  text,
  type ConnectionEvent,
  type ConnectionOutput,
} from 'rodeo';
import { testContext } from 'rodeo/testing';
import { echoHandler } from '../fixtures/handlers.js';

/**
 * Node fires a timer whose delay is over 2^31 − 1 ms after 1 ms (and warns). An idle timeout of
 * weeks must still mean weeks, on the real `asyncScheduler`: checked with fake timers, which fire
 * such timers early like Node does.
 */

const DAYS_35 = 35 * 24 * 3600 * 1000;

/** `asyncScheduler`, counting how often the clock is read (once per idle check, once per frame). */
function countingScheduler(): SchedulerLike & { readonly reads: () => number } {
  let reads = 0;
  return {
    now: () => {
      reads++;
      return asyncScheduler.now();
    },
    schedule: asyncScheduler.schedule.bind(asyncScheduler) as SchedulerLike['schedule'],
    reads: () => reads,
  };
}

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('idle timeouts longer than a Node timer', () => {
  it('the fake clock fires over-long timers early, as Node does (the premise of this spec)', () => {
    const fired = vi.fn();
    setTimeout(fired, MAX_TIMER_DELAY + 1);
    vi.advanceTimersByTime(1);
    expect(fired).toHaveBeenCalled();
  });

  it('idleTimeout waits the whole duration', () => {
    const seen: ConnectionEvent<string>[] = [];
    const input = new Subject<ConnectionEvent<string>>();
    const scheduler = countingScheduler();
    input.pipe(idleTimeout(DAYS_35, scheduler)).subscribe((event) => seen.push(event));
    const armed = scheduler.reads();
    vi.advanceTimersByTime(100);
    // Not a timer firing every millisecond, re-arming itself.
    expect(scheduler.reads()).toBe(armed);
    vi.advanceTimersByTime(MAX_TIMER_DELAY + 10);
    expect(seen).toEqual([]);
    vi.advanceTimersByTime(DAYS_35 - MAX_TIMER_DELAY - 111);
    expect(seen).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(seen).toEqual([{ type: 'end', reason: reasons.timeout }]);
  });

  it('the engine waits the whole duration, counted from the last frame', () => {
    const outputs: ConnectionOutput[] = [];
    const input = new Subject<ConnectionEvent<never>>();
    const scheduler = countingScheduler();
    input
      .pipe(
        connection(echoHandler(), {
          state: 0,
          ctx: testContext(),
          idleTimeout: DAYS_35,
          scheduler,
        }),
      )
      .subscribe((output) => outputs.push(output));
    const armed = scheduler.reads();
    vi.advanceTimersByTime(1000);
    expect(scheduler.reads()).toBe(armed);
    input.next({ type: 'frame', frame: text('a') });
    vi.advanceTimersByTime(DAYS_35 - 1);
    expect(outputs).toEqual([text('a')]);
    vi.advanceTimersByTime(1);
    expect(outputs.at(-1)).toEqual({ type: 'terminal', reason: reasons.timeout });
  });
});
