import { describe, expect, it } from 'vitest';
import {
  type ConnectionOutput,
  close,
  endOnce,
  reasons,
  shutdownReason,
  text,
  type TerminateReason,
} from 'rodeo';
import { marbles, terminal } from 'rodeo/testing';

const a = text('a');

function recorder() {
  const ended: TerminateReason[] = [];
  return { ended, onEnd: (reason: TerminateReason) => void ended.push(reason) };
}

describe('endOnce', () => {
  it('ends at the first terminal, once, unsubscribing the source', () => {
    const r = recorder();
    marbles(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-a-t-t-a', { a, t: terminal(reasons.remote()) });
      expectObservable(source.pipe(endOnce(r))).toBe('-a-(t|)', {
        a,
        t: terminal(reasons.remote()),
      });
      expectSubscriptions(source.subscriptions).toBe('^--!');
    });
    expect(r.ended).toEqual([reasons.remote()]);
  });

  it.each([
    [reasons.timeout, 1000],
    [reasons.shutdown, 1001],
    [reasons.backpressure, 1008],
  ])('sends its own close frame before %j', (reason, code) => {
    marbles(({ cold, expectObservable }) => {
      expectObservable(cold('-t', { t: terminal(reason) }).pipe(endOnce(recorder()))).toBe(
        '-(ct|)',
        {
          c: close(code),
          t: terminal(reason),
        },
      );
    });
  });

  it('turns an error into a crash with 1011 (default: pipeline)', () => {
    const boom = new Error('boom');
    marbles(({ cold, expectObservable }) => {
      expectObservable(cold('-a#', { a }, boom).pipe(endOnce(recorder()))).toBe('-a(ct|)', {
        a,
        c: close(1011),
        t: terminal(reasons.crash('pipeline', boom)),
      });
    });
  });

  it('uses crashReason to read errors', () => {
    marbles(({ cold, expectObservable }) => {
      const out = cold<ConnectionOutput>('-#').pipe(
        endOnce({ ...recorder(), crashReason: () => reasons.crash('init', 'x') }),
      );
      expectObservable(out).toBe('-(ct|)', {
        c: close(1011),
        t: terminal(reasons.crash('init', 'x')),
      });
    });
  });

  it('turns completion into error closed', () => {
    marbles(({ cold, expectObservable }) => {
      expectObservable(cold('-a|', { a }).pipe(endOnce(recorder()))).toBe('-a(t|)', {
        a,
        t: terminal(reasons.error('closed')),
      });
    });
  });

  it('carries the last shutdownReason', () => {
    marbles(({ cold, expectObservable }) => {
      const source = cold('-rst', {
        r: shutdownReason(1),
        s: shutdownReason(2),
        t: terminal(reasons.stop),
      });
      expectObservable(source.pipe(endOnce(recorder()))).toBe('-rs(t|)', {
        r: shutdownReason(1),
        s: shutdownReason(2),
        t: terminal(reasons.stop, 2),
      });
    });
  });

  it('calls onEnd with error closed when unsubscribed first, and only once', () => {
    const r = recorder();
    marbles(({ cold, expectObservable }) => {
      expectObservable(cold<ConnectionOutput>('-a-a', { a }).pipe(endOnce(r)), '^-!').toBe('-a-', {
        a,
      });
    });
    expect(r.ended).toEqual([reasons.error('closed')]);
  });
});
