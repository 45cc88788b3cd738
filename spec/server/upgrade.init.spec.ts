/**
 * `init` over real sockets: sync and async answers, plain HTTP answers, failures, subprotocols,
 * extra headers and the request snapshot. Handshake checks are in upgrade.spec.ts.
 */
import { once } from 'node:events';
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { chooseProtocol, respond, upgrade, type InitResult } from '../../src/index.js';
import { probe } from '../fixtures/serverHandlers.js';
import {
  client,
  closeAll,
  closed,
  encodeFrame,
  message,
  rawRequest,
  start,
  upgradeHeaders,
  wsUrl,
} from './support.js';

afterEach(closeAll);

describe('init', () => {
  it('may be async', async () => {
    const handler = probe({ init: async () => upgrade(null) });
    const server = await start({ '/echo': handler });
    const ws = await client(wsUrl(server, '/echo'));
    ws.send('x');
    expect((await message(ws)).data.toString()).toBe('x');
  });

  it('may return any thenable', async () => {
    const thenable = {
      then: (resolve: (result: InitResult<null>) => void) => resolve(upgrade(null)),
    };
    const handler = probe({ init: () => thenable as unknown as PromiseLike<InitResult<null>> });
    const server = await start({ '/echo': handler });
    const ws = await client(wsUrl(server, '/echo'));
    ws.send('x');
    expect((await message(ws)).data.toString()).toBe('x');
  });

  it.each([
    ['a synchronous init upgrades within', () => upgrade(null), 1],
    ['an async init upgrades after', async () => upgrade(null), 0],
  ])('%s the upgrade event', async (_name, init, openDuringEvent) => {
    const server = await start({ '/echo': probe({ init }) });
    const seen: number[] = [];
    // Listeners run in order: this one sees what rodeo's listener did synchronously.
    server.httpServer.on('upgrade', () => seen.push(server.metrics.open));
    await client(wsUrl(server, '/echo'));
    expect(seen).toEqual([openDuringEvent]);
  });

  it('gives init a frozen request (shared frozen empty params and query)', async () => {
    const handler = probe({ init: () => upgrade(null) });
    const server = await start({ '/echo': handler });
    const ws = await client(wsUrl(server, '/echo'));
    ws.close(1000);
    const { req } = await handler.terminated();
    expect(Object.isFrozen(req)).toBe(true);
    expect(Object.isFrozen(req.params) && Object.isFrozen(req.query)).toBe(true);
    expect(req.params).toEqual({});
    expect(req.query).toEqual({});
    expect(JSON.parse(JSON.stringify(req))).toMatchObject({ remoteAddress: '127.0.0.1' });
  });

  it('answers with plain HTTP and terminate gets normal', async () => {
    const handler = probe({
      init: () =>
        respond(
          401,
          { 'WWW-Authenticate': 'Bearer', 'X-Why': 'no token', 'Content-Length': '999' },
          'denied',
        ),
    });
    const server = await start({ '/echo': handler });
    const res = await rawRequest(server, '/echo', upgradeHeaders());
    expect(res.status).toBe(401);
    expect(res.headers['www-authenticate']).toBe('Bearer');
    expect(res.headers['x-why']).toBe('no token');
    expect(res.body).toBe('denied');
    expect(res.headers['content-length']).toBe('6');
    const { reason } = await handler.terminated();
    expect(reason).toEqual({ type: 'normal' });
    expect(server.metrics.terminated.normal).toBe(1);
  });

  it.each([
    [
      'throws',
      () => {
        throw new Error('boom');
      },
    ],
    ['rejects', () => Promise.reject(new Error('boom'))],
  ])('answers 500 when init %s; terminate gets crash from init', async (_name, init) => {
    const handler = probe({ init: init as never });
    const server = await start({ '/echo': handler });
    expect((await rawRequest(server, '/echo', upgradeHeaders())).status).toBe(500);
    const { reason } = await handler.terminated();
    expect(reason).toMatchObject({ type: 'crash', callback: 'init', error: { message: 'boom' } });
  });

  it.each([
    ['an invalid status', () => respond(99)],
    ['status 101', () => respond(101)],
    ['a header with CR/LF', () => respond(403, { 'X-Evil': 'a\r\nSet-Cookie: x=1' })],
  ])('answers 500 when init responds with %s', async (_name, init) => {
    const handler = probe({ init });
    const server = await start({ '/echo': handler });
    const res = await rawRequest(server, '/echo', upgradeHeaders());
    expect(res.status).toBe(500);
    expect(res.headers['set-cookie']).toBeUndefined();
    const { reason } = await handler.terminated();
    expect(reason).toMatchObject({ type: 'crash', error: { code: 'RODEO_ERR_INVALID_RESULT' } });
  });

  it('answers 500 when init returns something else', async () => {
    const handler = probe({ init: (() => ({ type: 'nope' })) as never });
    const server = await start({ '/echo': handler });
    expect((await rawRequest(server, '/echo', upgradeHeaders())).status).toBe(500);
    const { reason } = await handler.terminated();
    expect(reason).toMatchObject({ type: 'crash', error: { code: 'RODEO_ERR_INVALID_RESULT' } });
  });

  it('chooses a subprotocol, sends extra headers, and tells the handler', async () => {
    const handler = probe({
      init: (req) =>
        upgrade(null, {
          protocol: chooseProtocol(req, ['v2', 'v1']) as string,
          headers: { 'X-Server': 'rodeo' },
        }),
    });
    const server = await start({ '/echo': handler });
    const res = await rawRequest(
      server,
      '/echo',
      upgradeHeaders({ 'Sec-WebSocket-Protocol': 'v1, v2' }),
    );
    expect(res.status).toBe(101);
    expect(res.headers['sec-websocket-protocol']).toBe('v2');
    expect(res.headers['x-server']).toBe('rodeo');
    res.peer.send({ opcode: 0x1, payload: 'p' });
    await res.peer.frame();
    expect(handler.contexts[0]?.protocol).toBe('v2');
  });

  it('accepts no subprotocol unless init chose one', async () => {
    const handler = probe();
    const server = await start({ '/echo': handler });
    const res = await rawRequest(
      server,
      '/echo',
      upgradeHeaders({ 'Sec-WebSocket-Protocol': 'v1' }),
    );
    expect(res.status).toBe(101);
    expect(res.headers['sec-websocket-protocol']).toBeUndefined();
    res.peer.send({ opcode: 0x1, payload: 'p' });
    await res.peer.frame();
    expect(handler.contexts[0]?.protocol).toBeNull();
  });

  it.each([
    ['a subprotocol the peer did not offer', { protocol: 'v9' }],
    ['an invalid header', { headers: { 'X-Bad': 'a\r\nb' } }],
    ['a window size out of range', { compress: { serverMaxWindowBits: 20 } }],
    ['a negative idle timeout', { idleTimeout: -1 }],
  ])('answers 500 when init asks for %s', async (_name, options) => {
    const handler = probe({ init: () => upgrade('s', options) });
    const server = await start({ '/echo': handler });
    expect((await rawRequest(server, '/echo', upgradeHeaders())).status).toBe(500);
    const { reason, state } = await handler.terminated();
    expect(reason).toMatchObject({ type: 'crash', callback: 'init' });
    expect(state).toBe('s');
  });

  it('applies reqFilter to what the connection and terminate see', async () => {
    const handler = probe({
      init: () => upgrade(null, { reqFilter: (req) => ({ ...req, headers: {} }) }),
    });
    const server = await start({ '/echo': handler });
    const ws = await client(wsUrl(server, '/echo'), { headers: { cookie: 'secret' } });
    ws.close(1000);
    const { req } = await handler.terminated();
    expect(req.headers).toEqual({});
    expect(req.path).toBe('/echo');
    expect(handler.contexts[0]?.req.headers).toEqual({});
  });

  it.each([
    ['a synchronous', () => upgrade(null)],
    [
      'an async',
      () => new Promise<InitResult<null>>((resolve) => setImmediate(() => resolve(upgrade(null)))),
    ],
  ])('processes frames sent together with the handshake after %s init', async (_name, init) => {
    const handler = probe({ init });
    const server = await start({ '/echo': handler });
    const after = Buffer.concat([
      encodeFrame({ opcode: 0x1, payload: 'early-1' }),
      encodeFrame({ opcode: 0x1, payload: 'early-2' }),
    ]);
    const res = await rawRequest(server, '/echo', upgradeHeaders(), { after });
    expect(res.status).toBe(101);
    expect((await res.peer.frame()).payload.toString()).toBe('early-1');
    expect((await res.peer.frame()).payload.toString()).toBe('early-2');
  });

  it.each([
    ['closes', (socket: net.Socket) => socket.destroy()],
    ['resets', (socket: net.Socket) => socket.resetAndDestroy()],
  ])('terminates with error closed when the peer %s during an async init', async (_name, leave) => {
    let release: () => void = () => undefined;
    let entered: () => void = () => undefined;
    const inInit = new Promise<void>((resolve) => (entered = resolve));
    const handler = probe({
      init: () =>
        new Promise<InitResult<string>>((resolve) => {
          release = () => resolve(upgrade('s'));
          entered();
        }),
    });
    const server = await start({ '/echo': handler });
    const socket = net.connect(server.port, '127.0.0.1');
    await once(socket, 'connect');
    const head = Object.entries(upgradeHeaders())
      .map(([name, value]) => `${name}: ${value}\r\n`)
      .join('');
    socket.write(`GET /echo HTTP/1.1\r\n${head}\r\n`);
    await inInit;
    leave(socket);
    await once(socket, 'close');
    // The server must have seen the FIN/RST before init settles; a round trip proves it.
    await rawRequest(server, '/other', upgradeHeaders());
    release();
    const { reason, state } = await handler.terminated();
    expect(reason).toEqual({ type: 'error', error: 'closed' });
    expect(state).toBe('s');
  });

  it('the ws client sees close 1000 after the peer closes normally', async () => {
    const server = await start({ '/echo': probe() });
    const ws = await client(wsUrl(server, '/echo'));
    const done = closed(ws);
    ws.close(1000, 'bye');
    expect(await done).toEqual({ code: 1000, reason: 'bye' });
  });
});
