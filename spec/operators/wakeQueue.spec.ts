import { describe, expect, it } from 'vitest';
import type { SchedulerAction, SchedulerLike, Subscription } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { MAX_TIMER_DELAY, WakeQueue, type Sleeper } from '../../src/operators/wakeQueue.js';

/** A scheduler over `inner` that counts the actions armed and those still waiting to run. */
function counting(inner: SchedulerLike): {
  scheduler: SchedulerLike;
  armed: () => number;
  waiting: () => number;
  delays: number[];
} {
  let armed = 0;
  let waiting = 0;
  const delays: number[] = [];
  const scheduler: SchedulerLike = {
    now: () => inner.now(),
    schedule<T>(
      work: (this: SchedulerAction<T>, state?: T) => void,
      delay = 0,
      state?: T,
    ): Subscription {
      armed++;
      waiting++;
      delays.push(delay);
      let over = false;
      const end = (): void => {
        if (!over) waiting--;
        over = true;
      };
      const action = inner.schedule(
        function (this: SchedulerAction<T>, s?: T) {
          end();
          work.call(this, s);
        },
        delay,
        state,
      );
      action.add(end);
      return action;
    },
  };
  return { scheduler, armed: () => armed, waiting: () => waiting, delays };
}

/** A sleeper that logs `name@time` each time it wakes, and may do more. */
function sleeper(
  name: string,
  log: string[],
  queue: WakeQueue,
  then: (self: Sleeper) => void = () => undefined,
): Sleeper {
  const self: Sleeper = {
    wakeAt: Infinity,
    wakeSlot: -1,
    wakeOrder: 0,
    wake: () => {
      log.push(`${name}@${queue.scheduler.now()}`);
      then(self);
    },
  };
  return self;
}

function virtualTime(test: (scheduler: TestScheduler) => void): void {
  const scheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
  scheduler.run(() => test(scheduler));
}

/** A queue on `test` through `counting`, and a log for its sleepers. */
function countedQueue(test: TestScheduler): {
  count: ReturnType<typeof counting>;
  queue: WakeQueue;
  log: string[];
} {
  const count = counting(test);
  return { count, queue: new WakeQueue(count.scheduler), log: [] };
}

describe('WakeQueue', () => {
  it('wakes each sleeper at its time, soonest first and ties in queuing order, on one action', () => {
    virtualTime((test) => {
      const { count, queue, log } = countedQueue(test);
      queue.add(sleeper('a', log, queue), 5);
      queue.add(sleeper('b', log, queue), 3);
      queue.add(sleeper('c', log, queue), 5);
      expect(count.waiting()).toBe(1);
      test.flush();
      expect(log).toEqual(['b@3', 'a@5', 'c@5']);
      // Armed for a (5), again for b (3, sooner), then for a and c after b woke.
      expect(count.armed()).toBe(3);
      expect(count.waiting()).toBe(0);
      expect(queue.size).toBe(0);
    });
  });

  it('moves a sleeper queued again; a removed one never wakes; with none left nothing stays armed', () => {
    virtualTime((test) => {
      const { count, queue, log } = countedQueue(test);
      const a = sleeper('a', log, queue);
      const b = sleeper('b', log, queue);
      queue.add(a, 4);
      queue.add(b, 6);
      queue.add(a, 9);
      queue.remove(b);
      queue.remove(b);
      expect(queue.size).toBe(1);
      queue.remove(a);
      expect(count.waiting()).toBe(0);
      test.flush();
      expect(log).toEqual([]);
      queue.add(a, test.now() + 2);
      test.flush();
      expect(log).toEqual(['a@2']);
    });
  });

  it('lets a sleeper queued again for now wait for the next turn, after those already due', () => {
    virtualTime((test) => {
      const queue = new WakeQueue(test);
      const log: string[] = [];
      let again = 2;
      const a = sleeper('a', log, queue, (self) => {
        if (again-- > 0) queue.add(self, queue.scheduler.now());
      });
      queue.add(a, 3);
      queue.add(sleeper('b', log, queue), 3);
      // Another action due at 3, armed after the queue's: it runs between the queue's turns, as it
      // would between two Node timers (a sleeper always due again cannot hold the loop).
      test.schedule(() => log.push('other@3'), 3);
      test.flush();
      expect(log).toEqual(['a@3', 'b@3', 'other@3', 'a@3', 'a@3']);
    });
  });

  it('waits longer than a Node timer holds in steps, waking on time', () => {
    virtualTime((test) => {
      const { count, queue, log } = countedQueue(test);
      queue.add(sleeper('a', log, queue), 2 * MAX_TIMER_DELAY + 5);
      test.flush();
      expect(log).toEqual([`a@${2 * MAX_TIMER_DELAY + 5}`]);
      expect(count.delays).toEqual([MAX_TIMER_DELAY, MAX_TIMER_DELAY, 5]);
    });
  });

  it('keeps a thousand sleepers in order through moves and removals', () => {
    virtualTime((test) => {
      const queue = new WakeQueue(test);
      const log: string[] = [];
      const sleepers = Array.from({ length: 1000 }, (_, n) => sleeper(String(n), log, queue));
      // A fixed shuffle: times 1..1000 in a scrambled order, then every third moved, every
      // seventh removed.
      const at = (n: number): number => ((n * 389) % 1000) + 1;
      sleepers.forEach((s, n) => queue.add(s, at(n)));
      sleepers.forEach((s, n) => n % 3 === 0 && queue.add(s, 1001 + at(n)));
      sleepers.forEach((s, n) => n % 7 === 0 && queue.remove(s));
      test.flush();
      const expected = sleepers
        .map((_, n) => ({ n, t: n % 3 === 0 ? 1001 + at(n) : at(n) }))
        .filter(({ n }) => n % 7 !== 0)
        .sort((x, y) => x.t - y.t)
        .map(({ n, t }) => `${n}@${t}`);
      expect(log).toEqual(expected);
    });
  });
});
