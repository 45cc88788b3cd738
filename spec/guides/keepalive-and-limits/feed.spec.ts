import { describe, it } from 'vitest';
import { close, LocalRegistry, ping, pong, reasons, text } from 'rodeo';
import { info, marbles, peerClose, terminal } from 'rodeo/testing';
import { feedHandler } from './feed.js';

const feed = feedHandler({ registry: new LocalRegistry() });

describe('the feed in virtual time', () => {
  it('sends each update as a text frame', () => {
    marbles(({ cold, expectObservable, connect }) => {
      const input = cold('-u-v-x', {
        u: info({ line: 'a' }),
        v: info({ line: 'b' }),
        x: peerClose(),
      });
      expectObservable(connect(feed, input)).toBe('-a-b-(t|)', {
        a: text('a'),
        b: text('b'),
        t: terminal(reasons.remote()),
      });
    });
  });

  it('pings a silent browser every 25 s; its pongs keep it open past the idle timeout', () => {
    marbles(({ cold, expectObservable, connect }) => {
      // Pongs 1 ms after each ping (at 25 001, 50 002, 75 003 ms); the page leaves at 100 001.
      const input = cold('25001ms o 25000ms o 25000ms o 24997ms x', {
        o: pong(),
        x: peerClose(1001),
      });
      // Pings at 25 000, 50 001 and 75 002 ms: 25 s after what was last received.
      expectObservable(connect(feed, input)).toBe('25000ms p 25000ms p 25000ms p 24998ms (t|)', {
        p: ping(),
        t: terminal(reasons.remote(1001)),
      });
    });
  });

  it('closes a peer that never answers 60 s after it last sent anything', () => {
    marbles(({ cold, expectObservable, connect }) => {
      // Pings at 25 000 and 50 000 ms, the idle timeout at 60 000: close 1000.
      expectObservable(connect(feed, cold('-'))).toBe('25000ms p 24999ms p 9999ms (ct|)', {
        p: ping(),
        c: close(1000),
        t: terminal(reasons.timeout),
      });
    });
  });

  it('counts any message received as activity, and nothing it sends', () => {
    marbles(({ cold, expectObservable, connect }) => {
      // A message at 20 000 ms moves the first ping to 45 000; the update sent at 30 000 does not.
      const input = cold('20000ms m 9999ms u', { m: text('hello'), u: info({ line: 'a' }) });
      expectObservable(connect(feed, input)).toBe('30000ms a 14999ms p 24999ms p 9999ms (ct|)', {
        a: text('a'),
        p: ping(),
        c: close(1000),
        t: terminal(reasons.timeout),
      });
    });
  });
});
