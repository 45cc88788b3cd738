import { describe, expect, it } from 'vitest';
import { map, timer } from 'rxjs';
import {
  close,
  ok,
  ping,
  reasons,
  reply,
  setOptions,
  shutdownReason,
  stop,
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
const b = text('b');

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

describe('connection: idle timeout', () => {
  it('fires after idleTimeout of no received data, closing with 1000', () => {
    const handler = echoHandler({ idleTimeout: 5 });
    marbles(({ cold, expectObservable, connect }) => {
      expectObservable(connect(handler, cold('-a', { a }))).toBe('-a 4ms (ct|)', {
        a,
        c: close(1000),
        t: terminal(reasons.timeout),
      });
    });
    expect(handler.terminated).toEqual([{ reason: reasons.timeout, state: 1 }]);
  });

  it('is reset by every received frame, pings included', () => {
    marbles(({ cold, expectObservable, connect }) => {
      const input = cold('-a 3ms p 3ms b', { a, p: ping(), b });
      expectObservable(connect(echoHandler({ idleTimeout: 5 }), input)).toBe(
        '-a 3ms - 3ms b 4ms (ct|)',
        { a, b, c: close(1000), t: terminal(reasons.timeout) },
      );
    });
  });

  it('is not reset by info, nor by frames the handler sends', () => {
    const chatty: Handler<number, string> = {
      init: () => upgrade(0, { idleTimeout: 5 }),
      websocketHandle: (_f, n) => ok(n),
      websocketInfo: (msg, n) => reply(text(msg), n),
    };
    marbles(({ cold, expectObservable, connect }) => {
      const input = cold('-a-ii', { a, i: info('tick') });
      expectObservable(connect(chatty, input)).toBe('---xx-(ct|)', {
        x: text('tick'),
        c: close(1000),
        t: terminal(reasons.timeout),
      });
    });
  });

  it('is changed at run time by setOptions, counting from the change (inside the engine)', () => {
    const handler: Handler<number> = {
      init: () => upgrade(0, { idleTimeout: 5 }),
      websocketHandle: (frame, n) =>
        frame.type === 'text'
          ? commands([setOptions({ idleTimeout: Number(frame.data) })], n)
          : ok(n),
      websocketInfo: (_i, n) => ok(n),
    };
    marbles(({ cold, expectObservable, connect }) => {
      const input = cold('-x', { x: text('20') });
      expectObservable(connect(handler, input)).toBe('- 20ms (ct|)', {
        c: close(1000),
        t: terminal(reasons.timeout),
      });
    });
  });

  it('Infinity disables it', () => {
    marbles(({ cold, expectObservable, connect }) => {
      const input = cold('-a 100000ms p', { a, p: peerClose() });
      expectObservable(connect(echoHandler({ idleTimeout: Infinity }), input)).toBe(
        '-a 100000ms (t|)',
        { a, t: terminal(reasons.remote()) },
      );
    });
  });
});

describe('connection: after the end', () => {
  it('emits nothing after a stop, and unsubscribes its input', () => {
    const handler: Handler<number> = {
      init: () => upgrade(0),
      websocketHandle: (_f, n) => (n === 1 ? stop(n) : reply(a, n + 1)),
      websocketInfo: (_i, n) => ok(n),
    };
    marbles(({ cold, expectObservable, expectSubscriptions, connect }) => {
      const input = cold('-xx-x-p', { x: b, p: peerClose() });
      expectObservable(connect(handler, input)).toBe('-a(ct|)', {
        a,
        c: close(1000),
        t: terminal(reasons.stop),
      });
      expectSubscriptions(input.subscriptions).toBe('^-!');
    });
  });

  it('calls terminate exactly once, even when terminate throws, and reports it', () => {
    const reported: [unknown, string][] = [];
    let calls = 0;
    const failure = new Error('terminate failed');
    const handler: Handler<number> = {
      init: () => upgrade(0),
      websocketHandle: (_f, n) => stop(n),
      websocketInfo: (_i, n) => ok(n),
      terminate: () => {
        calls++;
        throw failure;
      },
    };
    marbles(({ cold, expectObservable, connect }) => {
      const input = cold('-a-p', { a, p: peerClose() });
      expectObservable(
        connect(handler, input, { onError: (error, where) => void reported.push([error, where]) }),
      ).toBe('-(ct|)', { c: close(1000), t: terminal(reasons.stop) });
    });
    expect(calls).toBe(1);
    expect(reported).toEqual([[failure, 'terminate']]);
  });

  it('calls terminate with error closed when the consumer unsubscribes first', () => {
    const handler = echoHandler();
    marbles(({ cold, expectObservable, expectSubscriptions, connect }) => {
      const input = cold('-a-a-a', { a });
      expectObservable(connect(handler, input), '^--!').toBe('-a-', { a });
      expectSubscriptions(input.subscriptions).toBe('^--!');
    });
    expect(handler.terminated).toEqual([{ reason: reasons.error('closed'), state: 1 }]);
  });

  it('ends every inner subscription of a pending result at termination', () => {
    marbles(({ cold, expectObservable, expectSubscriptions, connect }) => {
      const pending = cold('-----r', { r: reply(a, 0) });
      const handler: Handler<number> = {
        init: () => upgrade(0),
        websocketHandle: () => pending,
        websocketInfo: (_i, n) => ok(n),
      };
      const input = cold('-x-p', { x: b, p: peerClose() });
      expectObservable(connect(handler, input)).toBe('---(t|)', { t: terminal(reasons.remote()) });
      expectSubscriptions(pending.subscriptions).toBe('-^-!');
      expectSubscriptions(input.subscriptions).toBe('^--!');
    });
  });

  it('reports a crash to onError with the callback name', () => {
    const reported: [unknown, string][] = [];
    const boom = new Error('x');
    const handler: Handler<number> = {
      init: () => upgrade(0),
      websocketHandle: () => {
        throw boom;
      },
      websocketInfo: (_i, n) => ok(n),
    };
    marbles(({ cold, expectObservable, connect }) => {
      expectObservable(
        connect(handler, cold('-a', { a }), { onError: (e, w) => void reported.push([e, w]) }),
      ).toBe('-(ct|)', { c: close(1011), t: terminal(reasons.crash('websocketHandle', boom)) });
    });
    expect(reported).toEqual([[boom, 'websocketHandle']]);
  });

  it('treats an oversize control frame in a reply as a crash, sending nothing of that reply', () => {
    const handler: Handler<number> = {
      init: () => upgrade(0),
      websocketHandle: (_f, n) => reply([a, ping(new Uint8Array(126))], n),
      websocketInfo: (_i, n) => ok(n),
    };
    marbles(({ cold, expectObservable, connect }) => {
      expectObservable(connect(handler, cold('-a', { a }))).toBe('-(ct|)', {
        c: close(1011),
        t: terminal(
          reasons.crash(
            'websocketHandle',
            new RodeoErrorLike(
              'RODEO_ERR_CONTROL_FRAME_TOO_LARGE',
              'ping payload of 126 bytes exceeds 125',
            ),
          ),
        ),
      });
    });
  });
});

/** An error shaped like RodeoError for stack-free comparison. */
class RodeoErrorLike extends Error {
  override readonly name = 'RodeoError';
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}
