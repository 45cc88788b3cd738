import { describe, expect, it } from 'vitest';
import { map, timer } from 'rxjs';
import {
  close,
  ok,
  reasons,
  reply,
  shutdownReason,
  text,
  upgrade,
  commands,
  type Handler,
  type TerminateReason,
} from 'rodeo';
import {
  backpressure,
  info,
  marbles,
  peerClose,
  protocolError,
  shutdown,
  socketClosed,
  socketError,
  terminal,
} from 'rodeo/testing';
import { echoHandler } from '../fixtures/handlers.js';

const a = text('a');

describe('connection: terminal reasons', () => {
  const cases: [string, () => ReturnType<typeof peerClose>, TerminateReason, string][] = [
    ['peer close without code', () => peerClose(), reasons.remote(), '-a-(t|)'],
    [
      'peer close with code',
      () => peerClose(4001, 'later'),
      reasons.remote(4001, 'later'),
      '-a-(t|)',
    ],
    ['bad encoding', () => protocolError('badencoding'), reasons.error('badencoding'), '-a-(t|)'],
    ['bad frame', () => protocolError('badframe'), reasons.error('badframe'), '-a-(t|)'],
    ['bad size', () => protocolError('badsize'), reasons.error('badsize'), '-a-(t|)'],
    ['socket closed', () => socketClosed(), reasons.error('closed'), '-a-(t|)'],
    [
      'socket error',
      () => socketError(new Error('ECONNRESET')),
      reasons.socketError(new Error('ECONNRESET')),
      '-a-(t|)',
    ],
    ['shutdown', () => shutdown(), reasons.shutdown, '-a-(ct|)'],
    ['backpressure', () => backpressure(), reasons.backpressure, '-a-(ct|)'],
  ];

  it.each(cases)(
    '%s ends with its reason, and the engine closes only for its own ends',
    (_, end, reason, out) => {
      const handler = echoHandler();
      const code = reason.type === 'shutdown' ? 1001 : 1008;
      marbles(({ cold, expectObservable, connect }) => {
        expectObservable(connect(handler, cold('-a-e', { a, e: end() }))).toBe(out, {
          a,
          c: close(code),
          t: terminal(reason),
        });
      });
      expect(handler.terminated).toEqual([{ reason, state: 1 }]);
    },
  );

  it('input completing without an end event means the socket closed', () => {
    const handler = echoHandler();
    marbles(({ cold, expectObservable, connect }) => {
      expectObservable(connect(handler, cold('-a|', { a }))).toBe('-a(t|)', {
        a,
        t: terminal(reasons.error('closed')),
      });
    });
  });

  it('init answering plain HTTP gives terminal normal only', () => {
    const terminated: TerminateReason[] = [];
    const handler: Handler<number> = {
      init: () => ({ type: 'respond', status: 401, headers: {}, body: 'no' }),
      websocketHandle: (_f, n) => ok(n),
      websocketInfo: (_i, n) => ok(n),
      terminate: (reason) => void terminated.push(reason),
    };
    marbles(({ cold, expectObservable, connect }) => {
      expectObservable(connect(handler, cold('-a', { a }))).toBe('(t|)', {
        t: terminal(reasons.normal),
      });
    });
    expect(terminated).toEqual([reasons.normal]);
  });

  it('carries the last shutdownReason on the terminal (it is not an output of its own)', () => {
    const handler: Handler<number> = {
      init: () => upgrade(0),
      websocketHandle: (_f, n) => commands([shutdownReason('done'), close(1000)], n),
      websocketInfo: (_i, n) => ok(n),
    };
    marbles(({ cold, expectObservable, connect }) => {
      expectObservable(connect(handler, cold('-a', { a }))).toBe('-(ct|)', {
        c: close(1000),
        t: terminal(reasons.stop, 'done'),
      });
    });
  });
});

describe('connection: mailbox order', () => {
  /** Replies to frame x after `delay` (x's payload is the delay), to info at once. */
  const slow: Handler<string[]> & { seen: string[] } = {
    seen: [],
    init: () => upgrade([] as string[], { idleTimeout: Infinity }),
    websocketHandle: (frame, log) =>
      frame.type === 'text'
        ? timer(Number(frame.data)).pipe(
            map(() => reply(text(`f${frame.data}`), [...log, frame.data])),
          )
        : ok(log),
    websocketInfo: (item: never, log) => reply(text(`i${String(item)}`), [...log, String(item)]),
  };

  it('holds events while a result is pending, then delivers them in arrival order', () => {
    marbles(({ cold, expectObservable, connect }) => {
      // f5 arrives at 1 and settles at 6; info 1 (at 2) and f0 (at 3) wait, then run in order.
      const input = cold('-abc 10ms p', {
        a: text('5'),
        b: info(1 as never),
        c: text('0'),
        p: peerClose(1000),
      });
      expectObservable(connect(slow, input)).toBe('------(xyz) 3ms (t|)', {
        x: text('f5'),
        y: text('i1'),
        z: text('f0'),
        t: terminal(reasons.remote(1000)),
      });
    });
  });

  it('an end event abandons the pending result and the queue, with the last settled state', () => {
    const terminated: [TerminateReason, string[]][] = [];
    const handler = {
      ...slow,
      terminate: (r: TerminateReason, _q: unknown, s: string[]) => void terminated.push([r, s]),
    };
    marbles(({ cold, expectObservable, expectSubscriptions, connect }) => {
      const input = cold('-ab-p', { a: text('0'), b: text('9'), p: peerClose(1000) });
      expectObservable(connect(handler, input)).toBe('-x--(t|)', {
        x: text('f0'),
        t: terminal(reasons.remote(1000)),
      });
      expectSubscriptions(input.subscriptions).toBe('^---!');
    });
    expect(terminated).toEqual([[reasons.remote(1000), ['0']]]);
  });

  it('info sent to ctx.ref re-entrantly waits until the current result is out', () => {
    const handler: Handler<number, string> = {
      init: () => upgrade(0, { idleTimeout: Infinity }),
      websocketHandle: (frame, n, ctx) => {
        ctx.ref.send('from-handle');
        return reply([text('1'), text('2')], n + 1);
      },
      websocketInfo: (msg, n) => reply(text(msg), n),
    };
    marbles(({ cold, expectObservable, connect }) => {
      const input = cold('-a 8ms p', { a, p: peerClose() });
      expectObservable(connect(handler, input)).toBe('-(xyz) 4ms (t|)', {
        x: text('1'),
        y: text('2'),
        z: text('from-handle'),
        t: terminal(reasons.remote()),
      });
    });
  });

  it('ref.send returns false once the connection has ended', () => {
    let sendAfterEnd: boolean | undefined;
    const handler: Handler<number, string> = {
      init: () => upgrade(0),
      websocketHandle: (_f, n, ctx) => {
        refs.push(ctx.ref);
        return ok(n);
      },
      websocketInfo: (_i, n) => ok(n),
    };
    const refs: { send(x: string): boolean }[] = [];
    marbles(({ cold, expectObservable, connect, flush }) => {
      expectObservable(connect(handler, cold('-a-p', { a, p: peerClose() }))).toBe('---(t|)', {
        t: terminal(reasons.remote()),
      });
      flush();
      sendAfterEnd = refs[0]?.send('late');
    });
    expect(sendAfterEnd).toBe(false);
  });
});
