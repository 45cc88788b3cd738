import { randomBytes } from 'node:crypto';
import { TestScheduler } from 'rxjs/testing';
import { describe, expect, it } from 'vitest';
import type WebSocket from 'ws';
import { echoHandler } from '../../examples/echo.js';
import {
  binary,
  close,
  connection,
  ping,
  pong,
  reasons,
  request,
  text,
  type ConnectionEvent,
  type ConnectionOutput,
} from '../../src/index.js';
import { closed, end, fakeContext, frame, liveServer } from './support.js';

const bytes = Uint8Array.from([0, 1, 2, 255]);

describe('echoHandler (marbles)', () => {
  const scheduler = (): TestScheduler =>
    new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
  const values = {
    a: text('héllo'),
    b: binary(bytes),
    c: close(1000),
    t: { type: 'terminal', reason: reasons.remote(1000) },
    o: { type: 'terminal', reason: reasons.timeout },
  } as const satisfies Record<string, ConnectionOutput>;

  it('upgrades with compression and the default limits', () => {
    expect(echoHandler().init(request())).toEqual({
      type: 'upgrade',
      state: null,
      options: { compress: true },
    });
    expect(echoHandler({ maxFrameSize: 16 }).init(request())).toMatchObject({
      options: { compress: true, maxFrameSize: 16 },
    });
  });

  it('echoes text and binary unchanged, ignores ping and pong', () => {
    scheduler().run(({ hot, expectObservable, expectSubscriptions }) => {
      const events = hot<ConnectionEvent<never>>('-a-b-p-q-e', {
        a: frame(text('héllo')),
        b: frame(binary(bytes)),
        p: frame(ping()),
        q: frame(pong()),
        e: end(reasons.remote(1000)),
      });
      const output = events.pipe(
        connection(echoHandler(), { state: null, ctx: fakeContext().ctx }),
      );
      expectObservable(output).toBe('-a-b-----(t|)', values);
      expectSubscriptions(events.subscriptions).toBe('^--------!');
    });
  });

  it('ends with timeout (close 1000) when the peer is silent for idleTimeout', () => {
    scheduler().run(({ hot, expectObservable, expectSubscriptions }) => {
      const events = hot<ConnectionEvent<never>>('-a', { a: frame(text('héllo')) });
      const setup = { state: null, ctx: fakeContext().ctx, idleTimeout: 5 };
      expectObservable(events.pipe(connection(echoHandler(), setup))).toBe('-a----(co|)', values);
      expectSubscriptions(events.subscriptions).toBe('^-----!');
    });
  });

  it('lets go of the events when unsubscribed early', () => {
    scheduler().run(({ hot, expectObservable, expectSubscriptions }) => {
      const events = hot<ConnectionEvent<never>>('-a-b-', {
        a: frame(text('héllo')),
        b: frame(binary(bytes)),
      });
      const output = events.pipe(
        connection(echoHandler(), { state: null, ctx: fakeContext().ctx }),
      );
      expectObservable(output, '^--!').toBe('-a-', values);
      expectSubscriptions(events.subscriptions).toBe('^--!');
    });
  });
});

describe('echoHandler (real sockets)', () => {
  const live = liveServer();

  /** Starts the echo route and opens a client on it. */
  async function echoClient(maxFrameSize?: number, options: WebSocket.ClientOptions = {}) {
    const handler = echoHandler(maxFrameSize === undefined ? {} : { maxFrameSize });
    await live.start({ routes: { '/echo': handler } });
    return live.open('/echo', options);
  }

  it('echoes text and binary unchanged over a compressed connection', async () => {
    const { socket, inbox } = await echoClient();
    expect(socket.extensions).toContain('permessage-deflate');

    socket.send('héllo 🤠');
    expect(await inbox.next()).toEqual({ data: Buffer.from('héllo 🤠'), isBinary: false });

    const big = randomBytes(64 * 1024);
    socket.send(big);
    expect(await inbox.next()).toEqual({ data: big, isBinary: true });

    const long = 'yee-haw '.repeat(10_000);
    socket.send(long);
    expect((await inbox.next()).data.toString('utf8')).toBe(long);
  });

  it('works without compression when the client does not offer it', async () => {
    const { socket, inbox } = await echoClient(undefined, {
      perMessageDeflate: false,
    });
    expect(socket.extensions).toBe('');
    socket.send(Buffer.from(bytes));
    expect(await inbox.next()).toEqual({ data: Buffer.from(bytes), isBinary: true });
  });

  // ws applies maxPayload to the compressed frame; deflate adds a few bytes to incompressible
  // data, so the server's wire limit has headroom and the message limit is judged inflated.
  it('echoes a compressed message of exactly maxFrameSize incompressible bytes', async () => {
    const { socket, inbox } = await echoClient(4096);
    const payload = randomBytes(4096);
    const reply = inbox.next();
    const end = closed(socket);
    socket.send(payload);
    expect(await Promise.race([reply, end])).toEqual({ data: payload, isBinary: true });
  });

  it('closes with 1009 past maxFrameSize', async () => {
    const { socket, inbox } = await echoClient(16);
    socket.send('x'.repeat(16));
    expect(await inbox.text()).toBe('x'.repeat(16));
    const done = closed(socket);
    socket.send('x'.repeat(17));
    expect((await done).code).toBe(1009);
  });
});
