import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import {
  chooseProtocol,
  respond,
  upgrade,
  type ServeOptions,
  type UpgradeRequest,
} from '../../src/index.js';
import { probe } from '../fixtures/serverHandlers.js';
import {
  connectHeaders,
  h2Request,
  h2WebSocket,
  openH2,
  type Refusal,
  secureServer,
  useCertificate,
} from './h2Peer.js';
import { closed, message } from './support.js';

/**
 * The HTTP/2 handshake (RFC 8441): an extended CONNECT goes through the same routing, `init` and
 * planning as an HTTP/1.1 upgrade, and is answered 200, or refused with HTTP/2 answers.
 */

const certificate = useCertificate();

function secure(routes: ServeOptions['routes'], options: Partial<ServeOptions> = {}) {
  return secureServer(certificate(), routes, options);
}

function refused(outcome: Awaited<ReturnType<typeof h2WebSocket>>): Refusal {
  if ('ws' in outcome) throw new Error('expected a refusal, got 200');
  return outcome;
}

describe('extended CONNECT', () => {
  it('echoes text and binary over a 200, with ctx.version 13', async () => {
    const echo = probe();
    const { session } = await secure({ '/echo': echo });
    const { ws, headers } = await openH2(session, '/echo');
    expect(headers[':status']).toBe(200);
    ws.send('howdy');
    expect(await message(ws)).toEqual({ data: Buffer.from('howdy'), isBinary: false });
    ws.send(Buffer.from([1, 2, 3]));
    expect(await message(ws)).toEqual({ data: Buffer.from([1, 2, 3]), isBinary: true });
    expect(echo.contexts[0]).toMatchObject({ version: 13, compress: false, protocol: null });
  });

  it('gives init the same snapshot as over HTTP/1.1: :path, :authority as host, headers', async () => {
    const seen: UpgradeRequest[] = [];
    const { session } = await secure({
      '/rooms/:room': probe({ init: (req) => (seen.push(req), upgrade(null)) }),
    });
    await openH2(session, '/rooms/lobby?nick=ann&x=1', {
      headers: { origin: 'https://example.com', 'x-custom': 'yes' },
    });
    const req = seen[0] as UpgradeRequest;
    expect(req).toMatchObject({
      method: 'CONNECT',
      httpVersion: 'HTTP/2',
      url: '/rooms/lobby?nick=ann&x=1',
      path: '/rooms/lobby',
      params: { room: 'lobby' },
      query: { nick: 'ann', x: '1' },
      remoteAddress: '127.0.0.1',
    });
    expect(req.remotePort).toBeGreaterThan(0);
    expect(req.headers).toMatchObject({
      host: `127.0.0.1:${session.socket.remotePort}`,
      origin: 'https://example.com',
      'x-custom': 'yes',
      'sec-websocket-version': '13',
    });
    expect(Object.keys(req.headers).filter((name) => name.startsWith(':'))).toEqual([]);
    expect(Object.isFrozen(req) && Object.isFrozen(req.headers)).toBe(true);
  });

  it('answers with the subprotocol init chose from the offer', async () => {
    const { session } = await secure({
      '/p': probe({
        init: (req) => upgrade(null, { protocol: chooseProtocol(req, ['v2', 'v1']) ?? 'none' }),
      }),
    });
    const { headers } = await openH2(session, '/p', {
      headers: { 'sec-websocket-protocol': 'v1, v2' },
    });
    expect(headers['sec-websocket-protocol']).toBe('v2');
  });

  it('adds the headers init asked for, without those HTTP/2 may not carry', async () => {
    const { session } = await secure({
      '/h': probe({}, { headers: { 'X-Served-By': 'rodeo', Connection: 'keep-alive' } }),
    });
    const { headers } = await openH2(session, '/h');
    expect(headers['x-served-by']).toBe('rodeo');
    expect(headers.connection).toBeUndefined();
  });

  it('negotiates permessage-deflate and answers with sec-websocket-extensions', async () => {
    const echo = probe({}, { compress: true });
    const { session } = await secure({ '/z': echo });
    const { ws, headers } = await openH2(session, '/z', { compress: true });
    expect(headers['sec-websocket-extensions']).toMatch(/^permessage-deflate/);
    expect(echo.contexts[0]?.compress).toBe(true);
    const big = 'rodeo '.repeat(10_000);
    ws.send(big);
    expect(String((await message(ws)).data)).toBe(big);
  });

  it('does not compress when init did not ask, or when the offer is declined', async () => {
    const plain = probe();
    const picky = probe({}, { compress: { serverMaxWindowBits: 12 } });
    const { session } = await secure({ '/plain': plain, '/picky': picky });
    const offered = await openH2(session, '/plain', { compress: true });
    expect(offered.headers['sec-websocket-extensions']).toBeUndefined();
    const declined = await openH2(session, '/picky', {
      headers: { 'sec-websocket-extensions': 'permessage-deflate; server_max_window_bits=8' },
    });
    expect(declined.headers['sec-websocket-extensions']).toBeUndefined();
    expect([plain.contexts[0]?.compress, picky.contexts[0]?.compress]).toEqual([false, false]);
  });
});

describe('refusals over HTTP/2', () => {
  it('answers respond(status, headers, body) and calls terminate with normal', async () => {
    const guard = probe({ init: () => respond(403, { 'X-Why': 'origin' }, 'go away') });
    const { session } = await secure({ '/guarded': guard });
    const answer = refused(await h2WebSocket(session, '/guarded'));
    expect([answer.status, answer.headers['x-why'], answer.body]).toEqual([
      403,
      'origin',
      'go away',
    ]);
    expect((await guard.terminated()).reason).toEqual({ type: 'normal' });
  });

  it('answers 500 when respond() headers cannot go over HTTP/2 (crash from init)', async () => {
    const guard = probe({ init: () => respond(403, { 'Content-Type': ['a/b', 'c/d'] }) });
    const { session } = await secure({ '/guarded': guard });
    expect(refused(await h2WebSocket(session, '/guarded')).status).toBe(500);
    expect((await guard.terminated()).reason).toMatchObject({ type: 'crash', callback: 'init' });
  });

  it('answers 500 when the upgrade headers cannot go over HTTP/2 (crash from init)', async () => {
    const twice = probe({}, { headers: { 'Content-Type': ['a/b', 'c/d'] } });
    const { session } = await secure({ '/twice': twice });
    expect(refused(await h2WebSocket(session, '/twice')).status).toBe(500);
    expect((await twice.terminated()).reason).toMatchObject({ type: 'crash', callback: 'init' });
    expect(twice.contexts).toEqual([]);
  });

  it('answers 500 when init fails or asks for a subprotocol the peer did not offer', async () => {
    const throws = probe({
      init: () => {
        throw new Error('boom');
      },
    });
    const unoffered = probe({ init: () => upgrade(null, { protocol: 'v9' }) });
    const { session } = await secure({ '/throws': throws, '/unoffered': unoffered });
    expect(refused(await h2WebSocket(session, '/throws')).status).toBe(500);
    expect(refused(await h2WebSocket(session, '/unoffered')).status).toBe(500);
    expect((await throws.terminated()).reason).toMatchObject({ type: 'crash', callback: 'init' });
    expect((await unoffered.terminated()).reason).toMatchObject({ type: 'crash' });
  });

  it('answers 503 when init does not settle within initTimeout', async () => {
    const slow = probe({ init: () => new Promise<never>(() => undefined) });
    const { session } = await secure({ '/slow': slow }, { initTimeout: 50 });
    expect(refused(await h2WebSocket(session, '/slow')).status).toBe(503);
    expect((await slow.terminated()).reason).toMatchObject({
      type: 'crash',
      error: { code: 'RODEO_ERR_INIT_TIMEOUT' },
    });
  });

  it('answers 404 off the routes, 400 to another :protocol or a bad version, 501 to a tunnel', async () => {
    const echo = probe();
    const { session } = await secure({ '/echo': echo });
    expect(refused(await h2WebSocket(session, '/nowhere')).status).toBe(404);
    expect(
      refused(await h2WebSocket(session, '/echo', { headers: { ':protocol': 'foo' } })).status,
    ).toBe(400);
    expect(
      refused(await h2WebSocket(session, '/echo', { headers: { 'sec-websocket-version': '' } }))
        .status,
    ).toBe(400);
    const unknown = refused(
      await h2WebSocket(session, '/echo', { headers: { 'sec-websocket-version': '12' } }),
    );
    expect([unknown.status, unknown.headers['sec-websocket-version']]).toEqual([400, '13, 8, 7']);
    const tunnel = await h2Request(session, {
      ':method': 'CONNECT',
      ':authority': 'example.com:443',
    });
    expect(tunnel.status).toBe(501);
    // None of them reached the handler; the connection serves on.
    expect(echo.terminations).toEqual([]);
    const { ws } = await openH2(session, '/echo');
    ws.send('still here');
    expect(String((await message(ws)).data)).toBe('still here');
  });

  it('closes a refused stream itself (RST_STREAM NO_ERROR after the answer)', async () => {
    const { session } = await secure({ '/echo': probe() });
    const stream = session.request(connectHeaders(session, '/nowhere'));
    const [response] = (await once(stream, 'response')) as [{ ':status': number }];
    stream.resume();
    // The client never ends its side: the server's reset closes the stream anyway.
    await once(stream, 'close');
    expect([response[':status'], stream.rstCode]).toEqual([404, 0]);
  });

  it('ends a stream the peer reset during init with its typed reset, and nothing else', async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const slow = probe({ init: () => gate.then(() => upgrade(null)) });
    const echo = probe();
    const { session } = await secure({ '/slow': slow, '/echo': echo });
    const controller = new AbortController();
    const stream = session.request(
      {
        ':method': 'CONNECT',
        ':protocol': 'websocket',
        ':scheme': 'https',
        ':path': '/slow',
        ':authority': 'localhost',
        'sec-websocket-version': '13',
      },
      { signal: controller.signal },
    );
    stream.on('error', () => undefined);
    const { ws } = await openH2(session, '/echo');
    controller.abort();
    await new Promise((resolve) => stream.once('close', resolve));
    release();
    expect((await slow.terminated()).reason).toMatchObject({
      type: 'error',
      error: 'other',
      cause: { code: 'RODEO_ERR_STREAM_RESET', http2Code: 8 },
    });
    ws.send('unaffected');
    expect(String((await message(ws)).data)).toBe('unaffected');
    ws.close(1000);
    expect(await closed(ws)).toEqual({ code: 1000, reason: '' });
  });
});
