import { describe, it } from 'vitest';
import { close, reasons, text, stopAtClose } from 'rodeo';
import { marbles, terminal } from 'rodeo/testing';

const a = text('a');

describe('stopAtClose', () => {
  it('emits the close, then terminal(stop), then completes, unsubscribing the source', () => {
    marbles(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-a-c-a-|', { a, c: close(4000) });
      expectObservable(source.pipe(stopAtClose())).toBe('-a-(ct|)', {
        a,
        c: close(4000),
        t: terminal(reasons.stop),
      });
      expectSubscriptions(source.subscriptions).toBe('^--!');
    });
  });

  it('passes values, errors and completion through when no close comes', () => {
    marbles(({ cold, expectObservable }) => {
      expectObservable(cold('-a|', { a }).pipe(stopAtClose())).toBe('-a|', { a });
      expectObservable(cold('-a#', { a }).pipe(stopAtClose())).toBe('-a#', { a });
    });
  });
});
