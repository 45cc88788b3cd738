import { describe, it } from 'vitest';
import { close, reasons, request, text } from 'rodeo';
import { marbles, peerClose, terminal } from 'rodeo/testing';
import { quotes } from './quotes.js';

const withToken = { req: request({ url: '/quotes?token=t', query: { token: 't' } }) };

describe('quotes in virtual time', () => {
  it('closes after 30 s without a message from the peer', () => {
    marbles(({ cold, expectObservable, connect }) => {
      const handler = quotes(() => cold('p|', { p: 142 }));
      expectObservable(connect(handler, cold('-a', { a: text('IBM') }), withToken)).toBe(
        '-x 29999ms (ct|)',
        { x: text('IBM 142'), c: close(1000), t: terminal(reasons.timeout) },
      );
    });
  });

  it('handles one message at a time: a slow answer holds the next question back', () => {
    marbles(({ cold, expectObservable, connect }) => {
      // Each price takes 2 s. The second question, sent at 3 ms, waits for the first answer
      // (2 001 ms): its own answer comes at 4 001.
      const handler = quotes(() => cold('2s p|', { p: 142 }));
      const input = cold('-a-b', { a: text('IBM'), b: text('IBM') });
      // Sending does not count as activity: the timeout comes 30 s after the last message
      // received (3 ms).
      expectObservable(connect(handler, input, withToken)).toBe('2001ms x 1999ms x 26001ms (ct|)', {
        x: text('IBM 142'),
        c: close(1000),
        t: terminal(reasons.timeout),
      });
    });
  });

  it('unsubscribes from an answer still pending when the peer leaves', () => {
    marbles(({ cold, expectObservable, expectSubscriptions, connect }) => {
      const price = cold('5s p|', { p: 142 });
      const input = cold('-a 999ms x', { a: text('IBM'), x: peerClose(1000) });
      expectObservable(
        connect(
          quotes(() => price),
          input,
          withToken,
        ),
      ).toBe('1001ms (t|)', {
        t: terminal(reasons.remote(1000)),
      });
      expectSubscriptions(price.subscriptions).toBe('-^ 999ms !');
    });
  });
});
