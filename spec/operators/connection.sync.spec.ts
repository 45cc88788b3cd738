import { describe, expect, it } from 'vitest';
import { of, Subject, throwError } from 'rxjs';
import {
  connection,
  ok,
  reasons,
  reply,
  text,
  upgrade,
  type ConnectionEvent,
  type ConnectionOutput,
  type Handler,
} from 'rodeo';
import { terminal, testContext } from 'rodeo/testing';

describe('connection: the synchronous path', () => {
  it('emits a synchronous result within the call that delivered the frame', () => {
    const handler: Handler<number> = {
      init: () => upgrade(0),
      websocketHandle: (frame, n) => reply(frame, n + 1),
      websocketInfo: (_i, n) => ok(n),
    };
    const events = new Subject<ConnectionEvent<never>>();
    const out: ConnectionOutput[] = [];
    events
      .pipe(connection(handler, { state: 0, ctx: testContext<never>(), idleTimeout: Infinity }))
      .subscribe((o) => out.push(o));
    const thenCalls = countPromiseThens(() => {
      events.next({ type: 'frame', frame: text('a') });
      // Nothing awaited: the reply must already be out.
      expect(out).toEqual([text('a')]);
    });
    expect(thenCalls).toBe(0);
    events.next({ type: 'end', reason: reasons.remote() });
    expect(out).toEqual([text('a'), terminal(reasons.remote())]);
  });

  it('keeps info sent to itself from websocketInit, delivered after the init result', () => {
    const events = new Subject<ConnectionEvent<string>>();
    const ctx = testContext<string>();
    const ref = { ...ctx.ref, send: (info: string) => (events.next({ type: 'info', info }), true) };
    const handler: Handler<number, string> = {
      init: () => upgrade(0),
      websocketInit: (n, c) => {
        c.ref.send('hello');
        return reply(text('init'), n);
      },
      websocketHandle: (_f, n) => ok(n),
      websocketInfo: (info, n) => reply(text(info), n),
    };
    const out: ConnectionOutput[] = [];
    events
      .pipe(connection(handler, { state: 0, ctx: { ...ctx, ref }, idleTimeout: Infinity }))
      .subscribe((o) => out.push(o));
    expect(out).toEqual([text('init'), text('hello')]);
  });

  it('never calls the handler after terminate, even when terminate sends itself info', () => {
    const events = new Subject<ConnectionEvent<string>>();
    const calls: string[] = [];
    const handler: Handler<number, string> = {
      init: () => upgrade(0),
      websocketHandle: (_f, n) => ok(n),
      websocketInfo: (info, n) => {
        calls.push(`info ${info}`);
        return reply(text(info), n);
      },
      terminate: () => {
        calls.push('terminate');
        events.next({ type: 'info', info: 'late' });
      },
    };
    const out: ConnectionOutput[] = [];
    events
      .pipe(connection(handler, { state: 0, ctx: testContext<string>(), idleTimeout: Infinity }))
      .subscribe((o) => out.push(o));
    events.next({ type: 'end', reason: reasons.remote() });
    expect(calls).toEqual(['terminate']);
    expect(out).toEqual([terminal(reasons.remote())]);
  });

  it('handles a source that emits and completes synchronously on subscription', () => {
    const handler: Handler<number> = {
      init: () => upgrade(0),
      websocketInit: (n) => reply(text('init'), n),
      websocketHandle: (frame, n) => reply(frame, n),
      websocketInfo: (_i, n) => ok(n),
    };
    const out: ConnectionOutput[] = [];
    of<ConnectionEvent<never>>({ type: 'frame', frame: text('a') })
      .pipe(connection(handler, { state: 0, ctx: testContext<never>(), idleTimeout: Infinity }))
      .subscribe((o) => out.push(o));
    expect(out).toEqual([text('init'), text('a'), terminal(reasons.error('closed'))]);
    const failed: ConnectionOutput[] = [];
    const boom = new Error('source failed');
    throwError(() => boom)
      .pipe(connection(handler, { state: 0, ctx: testContext<never>(), idleTimeout: Infinity }))
      .subscribe((o) => failed.push(o));
    expect(failed.map((o) => o.type)).toEqual(['text', 'close', 'terminal']);
  });

  it('types info: ref.send only accepts the handler’s info type', () => {
    const handler: Handler<number, { tick: number }> = {
      init: () => upgrade(0),
      websocketHandle: (_f, n, ctx) => {
        ctx.ref.send({ tick: 1 });
        // @ts-expect-error — a string is not this handler's info type
        ctx.ref.send('tick');
        return ok(n);
      },
      websocketInfo: (info, n) => ok(n + info.tick),
    };
    expect(typeof handler.websocketHandle).toBe('function');
  });
});

/** Runs `body` and counts calls to `Promise.prototype.then` made meanwhile. */
function countPromiseThens(body: () => void): number {
  const original = Promise.prototype.then;
  let calls = 0;
  Promise.prototype.then = function patched(this: Promise<unknown>, ...args) {
    calls++;
    return original.apply(this, args) as never;
  } as typeof original;
  try {
    body();
  } finally {
    Promise.prototype.then = original;
  }
  return calls;
}
