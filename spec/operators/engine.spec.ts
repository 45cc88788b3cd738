import { describe, expect, it } from 'vitest';
import { timer, map, type Observable } from 'rxjs';
import {
  active,
  close,
  commands,
  ok,
  ping,
  pong,
  reasons,
  reply,
  RodeoError,
  setOptions,
  text,
  upgrade,
  type CallResult,
  type Handler,
  type UpgradeOptions,
} from 'rodeo';
import { info, marbles, peerClose, terminal, type TestInput } from 'rodeo/testing';

const a = text('a');

/** Ignores everything; the options are init's. */
function silent(options: UpgradeOptions): Handler<null> {
  return {
    init: () => upgrade(null, options),
    websocketHandle: (_f, s) => ok(s),
    websocketInfo: (_i, s) => ok(s),
  };
}

/**
 * The first frame is answered after `delay` virtual ms; later ones at once (each echoed). The
 * handler is busy meanwhile, so frames and infos wait in its mailbox.
 */
function slowFirst(delay: number, options: UpgradeOptions = {}): Handler<number, string> {
  return {
    init: () => upgrade(0, { idleTimeout: Infinity, ...options }),
    websocketHandle: (frame, n): CallResult<number> | Observable<CallResult<number>> => {
      const result = frame.type === 'text' ? reply(frame, n + 1) : ok(n + 1);
      return n === 0 ? timer(delay).pipe(map(() => result)) : result;
    },
    websocketInfo: (value, n) => reply(text(`info ${value}`), n),
  };
}

describe('engine: keepalive', () => {
  it('pings after `keepalive` ms without received data, and times out a peer that never answers', () => {
    marbles(({ cold, expectObservable, connect }) => {
      const input = cold<TestInput<never>>('-');
      expectObservable(connect(silent({ idleTimeout: 10, keepalive: 4 }), input)).toBe(
        '4ms p 3ms p 1ms (ct|)',
        { p: ping(), c: close(1000), t: terminal(reasons.timeout) },
      );
    });
  });

  it('keeps a peer whose pongs answer the pings alive past idleTimeout', () => {
    marbles(({ cold, expectObservable, connect }) => {
      // The peer answers each ping one ms later until 20, then stops answering and closes at 29.
      const input = cold('5ms o 4ms o 4ms o 4ms o 8ms x', {
        o: pong(),
        x: peerClose(1000),
      });
      expectObservable(connect(silent({ idleTimeout: 10, keepalive: 4 }), input)).toBe(
        '4ms p 4ms p 4ms p 4ms p 4ms p 3ms p (t|)',
        { p: ping(), t: terminal(reasons.remote(1000)) },
      );
    });
  });

  it('counts any received frame as activity, like the idle timeout', () => {
    marbles(({ cold, expectObservable, connect }) => {
      const input = cold('3ms a 2ms x', { a, x: peerClose() });
      expectObservable(connect(silent({ idleTimeout: 100, keepalive: 4 }), input)).toBe(
        '6ms (t|)',
        { t: terminal(reasons.remote()) },
      );
    });
  });

  it('is switched on and off at run time by setOptions', () => {
    const handler: Handler<null> = {
      init: () => upgrade(null, { idleTimeout: 100 }),
      websocketHandle: (frame, s) =>
        commands(
          [setOptions({ keepalive: frame.type === 'text' ? Number(frame.data) : Infinity })],
          s,
        ),
      websocketInfo: (_i, s) => ok(s),
    };
    marbles(({ cold, expectObservable, connect }) => {
      const input = cold('-k 9ms o 20ms x', { k: text('3'), o: pong(), x: peerClose() });
      expectObservable(connect(handler, input)).toBe('4ms p 2ms p 2ms p 21ms (t|)', {
        p: ping(),
        t: terminal(reasons.remote()),
      });
    });
  });

  it('refuses a negative keepalive from init or setOptions as a crash', () => {
    marbles(({ cold, expectObservable, connect }) => {
      const error = new RodeoError(
        'RODEO_ERR_INVALID_UPGRADE',
        'keepalive must be ≥ 0 milliseconds, got -1',
      );
      expectObservable(connect(silent({ keepalive: -1 }), cold('-a', { a }))).toBe('(t|)', {
        t: terminal(reasons.crash('init', error)),
      });
    });
    const handler: Handler<null> = {
      init: () => upgrade(null),
      websocketHandle: (_f, s) => commands([setOptions({ keepalive: -5 })], s),
      websocketInfo: (_i, s) => ok(s),
    };
    marbles(({ cold, expectObservable, connect }) => {
      const error = new RodeoError(
        'RODEO_ERR_INVALID_RESULT',
        'keepalive must be > 0 milliseconds',
      );
      expectObservable(connect(handler, cold('-a', { a }))).toBe('-(ct|)', {
        c: close(1011),
        t: terminal(reasons.crash('websocketHandle', error)),
      });
    });
  });
});

describe('engine: flow control (frames waiting for a busy handler)', () => {
  it('stops reading past readHighWater and reads again below half of it; nothing is lost', () => {
    // Each one-byte frame weighs 257 bytes: the 4th waiting frame passes 1000.
    const handler = slowFirst(10, { readHighWater: 1000 });
    marbles(({ cold, expectObservable, connect }) => {
      const input = cold('-abcde', {
        a: text('1'),
        b: text('2'),
        c: text('3'),
        d: text('4'),
        e: text('5'),
      });
      expectObservable(connect(handler, input)).toBe('-----r 5ms (123s45)', {
        r: active(false),
        s: active(true),
        1: text('1'),
        2: text('2'),
        3: text('3'),
        4: text('4'),
        5: text('5'),
      });
    });
  });

  it('never resumes reading that the handler itself paused with active(false)', () => {
    const handler: Handler<number> = {
      init: () => upgrade(0, { readHighWater: 300, idleTimeout: Infinity }),
      websocketHandle: (frame, n) => {
        if (n === 0) return timer(5).pipe(map(() => commands([active(false)], 1)));
        return reply(frame, n + 1);
      },
      websocketInfo: (_i, n) => ok(n),
    };
    marbles(({ cold, expectObservable, connect }) => {
      const input = cold('-abc', { a, b: text('b'), c: text('c') });
      expectObservable(connect(handler, input)).toBe('---r 2ms (bc)', {
        r: active(false),
        b: text('b'),
        c: text('c'),
      });
    });
  });
});

describe('engine: the info mailbox bound', () => {
  /** On a frame, sends itself `count` infos while its own result is still pending. */
  function selfFlooder(count: number, options: UpgradeOptions) {
    const accepted: boolean[] = [];
    const handler: Handler<number, string> = {
      init: () => upgrade(0, { idleTimeout: Infinity, ...options }),
      websocketHandle: (_frame, n, ctx) => {
        for (let i = 0; i < count; i++) accepted.push(ctx.ref.send(String(i)));
        return timer(2).pipe(map(() => ok(n)));
      },
      websocketInfo: (value, n) => reply(text(value), n),
    };
    return { handler, accepted };
  }

  it('drops infos past mailboxLimit: ref.send says false, the others are delivered in order', () => {
    const { handler, accepted } = selfFlooder(4, { mailboxLimit: 2 });
    marbles(({ cold, expectObservable, connect }) => {
      expectObservable(connect(handler, cold('-a', { a }))).toBe('---(xy)', {
        x: text('0'),
        y: text('1'),
      });
    });
    expect(accepted).toEqual([true, true, false, false]);
  });

  it("with mailboxOverflow 'close' ends the connection (backpressure, 1013)", () => {
    const { handler, accepted } = selfFlooder(3, { mailboxLimit: 2, mailboxOverflow: 'close' });
    marbles(({ cold, expectObservable, connect }) => {
      expectObservable(connect(handler, cold('-a', { a }))).toBe('-(ct|)', {
        c: close(1013),
        t: terminal(reasons.mailboxFull),
      });
    });
    expect(accepted).toEqual([true, true, false]);
  });

  it('ends after the callback that overflowed it, refusing infos meanwhile (terminate never runs inside it)', () => {
    let inCallback = false;
    let endedInside: boolean | undefined;
    const accepted: boolean[] = [];
    const handler: Handler<number, string> = {
      init: () => upgrade(0, { idleTimeout: Infinity, mailboxLimit: 1, mailboxOverflow: 'close' }),
      websocketHandle: (_frame, n, ctx) => {
        inCallback = true;
        for (let i = 0; i < 4; i++) accepted.push(ctx.ref.send(String(i)));
        inCallback = false;
        return timer(2).pipe(map(() => ok(n)));
      },
      websocketInfo: (value, n) => reply(text(value), n),
      terminate: () => void (endedInside = inCallback),
    };
    marbles(({ cold, expectObservable, connect }) => {
      expectObservable(connect(handler, cold('-a', { a }))).toBe('-(ct|)', {
        c: close(1013),
        t: terminal(reasons.mailboxFull),
      });
    });
    expect(accepted).toEqual([true, false, false, false]);
    expect(endedInside).toBe(false);
  });

  it('counts only infos waiting for a busy handler: an idle handler takes any number', () => {
    const handler = slowFirst(0, { mailboxLimit: 1 });
    marbles(({ cold, expectObservable, connect }) => {
      const input = cold('-(ijk)', { i: info('i'), j: info('j'), k: info('k') });
      expectObservable(connect(handler, input)).toBe('-(xyz)', {
        x: text('info i'),
        y: text('info j'),
        z: text('info k'),
      });
    });
  });
});

describe('engine: lifecycle', () => {
  it('refuses info sent from terminate: ref.send is false once the end is decided', () => {
    const sent: boolean[] = [];
    const handler: Handler<null, string> = {
      init: () => upgrade(null),
      websocketInit: (s, ctx) => {
        refOf = ctx.ref;
        return ok(s);
      },
      websocketHandle: (_f, s) => ok(s),
      websocketInfo: (_i, s) => ok(s),
      terminate: () => void sent.push(refOf?.send('late') ?? true),
    };
    let refOf: { send(x: string): boolean } | undefined;
    marbles(({ cold, expectObservable, connect }) => {
      expectObservable(connect(handler, cold('-x', { x: peerClose() }))).toBe('-(t|)', {
        t: terminal(reasons.remote()),
      });
    });
    expect(sent).toEqual([false]);
  });

  it('crashes on an invalid setOptions value instead of applying it', () => {
    const handler: Handler<null> = {
      init: () => upgrade(null),
      websocketHandle: (_f, s) => commands([setOptions({ maxFrameSize: 0 })], s),
      websocketInfo: (_i, s) => ok(s),
    };
    marbles(({ cold, expectObservable, connect }) => {
      const error = new RodeoError(
        'RODEO_ERR_INVALID_RESULT',
        'maxFrameSize must be a positive integer',
      );
      expectObservable(connect(handler, cold('-a', { a }))).toBe('-(ct|)', {
        c: close(1011),
        t: terminal(reasons.crash('websocketHandle', error)),
      });
    });
  });
});
