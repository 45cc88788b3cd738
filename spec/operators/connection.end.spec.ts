/**
 * `connection` at and after the end: idle timeout, and what happens to events, results and
 * commands once the connection has ended. Terminal reasons and order are in connection.lifecycle.spec.ts.
 */
import { describe, expect, it } from 'vitest';
import {
  close,
  ok,
  ping,
  reasons,
  reply,
  setOptions,
  stop,
  text,
  upgrade,
  commands,
  type Handler,
} from 'rodeo';
import { info, marbles, peerClose, terminal } from 'rodeo/testing';
import { echoHandler } from '../fixtures/handlers.js';

const a = text('a');
const b = text('b');

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
