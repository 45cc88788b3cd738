import { TestScheduler } from 'rxjs/testing';
import { describe, expect, it } from 'vitest';
import { clockHandler, type ClockState, type Tick } from '../../examples/clock.js';
import {
  connection,
  ping,
  reasons,
  text,
  type ConnectionEvent,
  type Handler,
} from '../../src/index.js';
import { end, fakeContext, frame, withInfo, liveServer } from './support.js';

const iso = (ms: number): string => new Date(ms).toISOString();

describe('clockHandler (marbles)', () => {
  it('sends the time every interval and stops its timer in terminate', () => {
    const fake = fakeContext<Tick>();
    const testScheduler = new TestScheduler((a, e) => expect(a).toEqual(e));
    testScheduler.run(({ hot, expectObservable, expectSubscriptions }) => {
      const events = hot<ConnectionEvent<Tick>>('----p-----e', {
        p: frame(ping()),
        e: end(reasons.remote()),
      });
      const handler = clockHandler({ interval: 3, scheduler: testScheduler });
      const output = withInfo(events, fake).pipe(
        connection(handler, { state: { timer: null }, ctx: fake.ctx }),
      );
      expectObservable(output).toBe('---a--b--c(t|)', {
        a: text(iso(3)),
        b: text(iso(6)),
        c: text(iso(9)),
        t: { type: 'terminal', reason: reasons.remote() },
      });
      expectSubscriptions(events.subscriptions).toBe('^---------!');
      // A leaked timer must fail the assertion below rather than flush forever.
      testScheduler.maxFrames = 100;
    });
    expect(fake.sent).toEqual([3, 6, 9]);
  });

  it('stops its timer when unsubscribed early, too', () => {
    const fake = fakeContext<Tick>();
    const testScheduler = new TestScheduler((a, e) => expect(a).toEqual(e));
    testScheduler.run(({ cold, expectObservable }) => {
      const handler = clockHandler({ interval: 2, scheduler: testScheduler });
      const output = withInfo(cold<ConnectionEvent<Tick>>('-'), fake).pipe(
        connection(handler, { state: { timer: null }, ctx: fake.ctx }),
      );
      testScheduler.maxFrames = 100;
      expectObservable(output, '^----!').toBe('--a-b', { a: text(iso(2)), b: text(iso(4)) });
    });
    expect(fake.sent).toEqual([2, 4]);
  });
});

describe('clockHandler (real sockets)', () => {
  const live = liveServer();

  it('ticks with ISO times, and terminate releases the timer when the peer leaves', async () => {
    const clock = clockHandler({ interval: 10 });
    let released!: (state: ClockState) => void;
    const terminated = new Promise<ClockState>((resolve) => (released = resolve));
    const handler: Handler<ClockState, Tick> = {
      ...clock,
      terminate: (reason, req, state) => {
        clock.terminate?.(reason, req, state);
        if (state !== undefined) released(state);
      },
    };
    await live.start({ routes: { '/clock': handler } });

    const { socket, inbox } = await live.open('/clock');
    const first = Date.parse(await inbox.text());
    const second = Date.parse(await inbox.text());
    expect(second).toBeGreaterThan(first);
    expect(Math.abs(Date.now() - second)).toBeLessThan(5_000);

    socket.close(1000);
    const state = await terminated;
    expect(state.timer?.closed).toBe(true);
  });
});
