import { describe, expect, it } from 'vitest';
import { of, throwError } from 'rxjs';
import { close, reasons, request, text, type Handler, type TerminateReason } from 'rodeo';
import { info, marbles, peerClose, terminal } from 'rodeo/testing';
import { quotes, type Asked, type Halt } from './quotes.js';

const stock = new Map([['IBM', 142]]);
const handler = quotes((symbol) => of(stock.get(symbol) ?? 0));
/** The upgrade request: `init` needs a token. */
const withToken = { req: request({ url: '/quotes?token=t', query: { token: 't' } }) };

describe('quotes', () => {
  it('answers each symbol and stops on bye', () => {
    marbles(({ cold, expectObservable, connect }) => {
      const input = cold('-a-b', { a: text('IBM'), b: text('bye') });
      expectObservable(connect(handler, input, withToken)).toBe('-x-(yt|)', {
        x: text('IBM 142'),
        y: close(1000),
        t: terminal(reasons.stop),
      });
    });
  });

  it('refuses a request without a token: plain HTTP, terminate gets normal', () => {
    marbles(({ cold, expectObservable, connect }) => {
      expectObservable(connect(handler, cold('-a', { a: text('IBM') }))).toBe('(t|)', {
        t: terminal(reasons.normal),
      });
    });
  });

  it('forwards a halt sent to its ref, between frames, in arrival order', () => {
    marbles(({ cold, expectObservable, connect }) => {
      const input = cold('-h-a-x', {
        h: info({ type: 'halt', symbol: 'ACME' }),
        a: text('IBM'),
        x: peerClose(1001),
      });
      expectObservable(connect(handler, input, withToken)).toBe('-h-a-(t|)', {
        h: text('halted: ACME'),
        a: text('IBM 142'),
        t: terminal(reasons.remote(1001)),
      });
    });
  });

  it('ends with error closed when the socket closes without a close frame', () => {
    marbles(({ cold, expectObservable, connect }) => {
      expectObservable(connect(handler, cold('-a|', { a: text('IBM') }), withToken)).toBe(
        '-a(t|)',
        { a: text('IBM 142'), t: terminal(reasons.error('closed')) },
      );
    });
  });

  it('crashes with 1011 when the price source fails; terminate sees the error', () => {
    const failing = quotes(() => throwError(() => new Error('prices unavailable')));
    const ends: { reason: TerminateReason; state: Asked | undefined }[] = [];
    const recorded: Handler<Asked, Halt> = {
      ...failing,
      terminate: (reason, _req, state) => void ends.push({ reason, state }),
    };
    const crash = reasons.crash('websocketHandle', new Error('prices unavailable'));
    marbles(({ cold, expectObservable, connect }) => {
      expectObservable(connect(recorded, cold('-a', { a: text('IBM') }), withToken)).toBe(
        '-(ct|)',
        { c: close(1011), t: terminal(crash) },
      );
    });
    expect(ends).toEqual([{ reason: crash, state: { count: 0 } }]);
  });
});
