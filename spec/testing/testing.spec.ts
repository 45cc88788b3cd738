import { describe, expect, it } from 'vitest';
import { firstValueFrom, of, toArray } from 'rxjs';
import {
  binary,
  close,
  ok,
  reasons,
  reply,
  request,
  respond,
  text,
  upgrade,
  type Handler,
} from 'rodeo';
import {
  backpressure,
  createTestScheduler,
  ended,
  info,
  normalize,
  peerClose,
  protocolError,
  runConnection,
  shutdown,
  socketClosed,
  socketError,
  stackFreeEqual,
  terminal,
  testContext,
  toEvent,
} from 'rodeo/testing';

describe('event builders', () => {
  it('wrap frames and build end events', () => {
    expect(toEvent(text('a'))).toEqual({ type: 'frame', frame: text('a') });
    expect(toEvent(info(1))).toEqual({ type: 'info', info: 1 });
    expect(peerClose()).toEqual({ type: 'end', reason: reasons.remote() });
    expect(peerClose(4000, 'x')).toEqual({ type: 'end', reason: reasons.remote(4000, 'x') });
    expect(socketClosed()).toEqual(ended(reasons.error('closed')));
    expect(socketError('e')).toEqual(ended(reasons.socketError('e')));
    expect(protocolError('badsize')).toEqual(ended(reasons.error('badsize')));
    expect(shutdown()).toEqual(ended(reasons.shutdown));
    expect(backpressure()).toEqual(ended(reasons.backpressure));
    expect(terminal(reasons.stop, 'why')).toEqual({
      type: 'terminal',
      reason: reasons.stop,
      shutdownReason: 'why',
    });
  });
});

describe('stack-free equality', () => {
  it('compares errors by name, message and code, and bytes by content', () => {
    const a = Object.assign(new Error('x'), { code: 'E' });
    const b = Object.assign(new Error('x'), { code: 'E' });
    expect(() =>
      stackFreeEqual({ e: a, d: Buffer.from([1]) }, { e: b, d: Uint8Array.of(1) }),
    ).not.toThrow();
    expect(() => stackFreeEqual([new Error('x')], [new Error('y')])).toThrow();
    expect(normalize(new TypeError('t'))).toEqual({ name: 'TypeError', message: 't' });
  });

  it('is what createTestScheduler asserts with by default', () => {
    const scheduler = createTestScheduler();
    expect(() =>
      scheduler.run(({ cold, expectObservable }) => {
        expectObservable(cold('-a', { a: new Error('m') })).toBe('-a', { a: new Error('m') });
      }),
    ).not.toThrow();
  });
});

describe('testContext', () => {
  it('delivers sends through its mailbox until ended', async () => {
    const ctx = testContext<number>({ version: 8, protocol: 'chat', compress: true });
    expect(ctx).toMatchObject({ version: 8, protocol: 'chat', compress: true });
    const got = firstValueFrom(ctx.mailbox$.pipe(toArray()));
    expect(ctx.ref.send(1)).toBe(true);
    expect(ctx.ref.closed).toBe(false);
    ctx.end();
    expect(ctx.ref.closed).toBe(true);
    expect(ctx.ref.send(2)).toBe(false);
    expect(await got).toEqual([info(1)]);
  });
});

describe('runConnection', () => {
  const base: Handler<number> = {
    init: () => upgrade(0),
    websocketHandle: (_f, n) => ok(n),
    websocketInfo: (_i, n) => ok(n),
  };

  it('refuses an async init unless its answer or a state is given', async () => {
    const asyncInit: Handler<number> = { ...base, init: async () => upgrade(0) };
    await expect(firstValueFrom(runConnection(asyncInit, of()))).rejects.toThrow(/as `init`/);
    const out = await firstValueFrom(
      runConnection(asyncInit, of(binary(Uint8Array.of(1))), { state: 5 }).pipe(toArray()),
    );
    expect(out).toEqual([terminal(reasons.error('closed'))]);
  });

  it("plans from an async init's awaited answer: its state and idle timeout", () => {
    const strict: Handler<number> = {
      ...base,
      init: async () => upgrade(7, { idleTimeout: 10 }),
      websocketHandle: (frame, n) => (frame.type === 'text' ? reply(text(`${n}`), n + 1) : ok(n)),
    };
    const testScheduler = createTestScheduler();
    testScheduler.run(({ cold, expectObservable }) => {
      const answer = upgrade(7, { idleTimeout: 10 });
      const input = cold('-a', { a: text('hi') });
      expectObservable(
        runConnection(strict, input, { init: answer, scheduler: testScheduler }),
      ).toBe('-x 9ms (zt|)', {
        x: text('7'),
        z: close(1000),
        t: terminal(reasons.timeout),
      });
    });
  });

  it('answers plain HTTP init with terminal normal and terminate(normal)', async () => {
    const seen: unknown[] = [];
    const handler: Handler<number> = {
      ...base,
      init: () => respond(403),
      terminate: (reason) => void seen.push(reason),
    };
    expect(await firstValueFrom(runConnection(handler, of(text('a'))).pipe(toArray()))).toEqual([
      terminal(reasons.normal),
    ]);
    expect(seen).toEqual([reasons.normal]);
  });

  it('applies init options: reqFilter, protocol, compress', async () => {
    let seen: unknown;
    const handler: Handler<number> = {
      ...base,
      init: () =>
        upgrade(0, {
          protocol: 'p',
          compress: { level: 1 },
          reqFilter: (req) => ({ ...req, headers: {} }),
        }),
      websocketHandle: (_f, n, ctx) => {
        seen = { protocol: ctx.protocol, compress: ctx.compress, headers: ctx.req.headers };
        return ok(n);
      },
    };
    const req = request({ headers: { 'sec-websocket-protocol': 'o, p' } });
    await firstValueFrom(runConnection(handler, of(text('a')), { req }).pipe(toArray()));
    expect(seen).toEqual({ protocol: 'p', compress: true, headers: {} });
  });

  it('refuses an upgrade the server would refuse: terminal crash from init', async () => {
    const terminated: unknown[] = [];
    const handler: Handler<number> = {
      ...base,
      init: () => upgrade(0, { protocol: 'not-offered' }),
      terminate: (reason) => void terminated.push(reason),
    };
    const outputs = await firstValueFrom(runConnection(handler, of(text('a'))).pipe(toArray()));
    expect(outputs).toEqual([terminal(reasons.crash('init', expect.anything()))]);
    expect(terminated).toEqual([
      reasons.crash('init', expect.objectContaining({ code: 'RODEO_ERR_INVALID_UPGRADE' })),
    ]);
  });
});
