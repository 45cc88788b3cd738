import { once } from 'node:events';
import type { IncomingMessage } from 'node:http';
import https from 'node:https';
import net from 'node:net';
import tls from 'node:tls';
import { describe, expect, it } from 'vitest';
import { reasons, RodeoError, serve, type ServeOptions } from '../../src/index.js';
import { probe } from '../fixtures/serverHandlers.js';
import { h2Connect, h2Request, openH2, useCertificate } from './h2Peer.js';
import { client, closed, message, start, track } from './support.js';

/**
 * `serve({ tls })`: HTTPS and WSS, HTTP/2 and HTTP/1.1 on one port (ALPN), WebSockets over both;
 * plain requests, timeouts and shutdown as over plain HTTP/1.1, plus what HTTP/2 adds (GOAWAY).
 */

const certificate = useCertificate();

function secure(routes: ServeOptions['routes'], options: Partial<ServeOptions> = {}) {
  return start(routes, { tls: certificate(), ...options });
}

function wssUrl(url: string, path: string): string {
  return `${url.replace('https', 'wss')}${path}`;
}

/** A plain HTTPS/1.1 request; resolves with its status and headers. */
async function https1(url: string): Promise<{ status: number; upgrade: string | undefined }> {
  const req = https.get(url, { rejectUnauthorized: false, agent: false });
  const [res] = (await once(req, 'response')) as [IncomingMessage];
  res.resume();
  return { status: res.statusCode ?? 0, upgrade: res.headers.upgrade };
}

describe('serve with tls', () => {
  it('serves WebSockets over HTTP/2 and HTTP/1.1 on one port, chosen by ALPN', async () => {
    const echo = probe();
    const server = await secure({ '/echo': echo });
    expect(server.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const session = await h2Connect(server.url);
    expect(session.alpnProtocol).toBe('h2');
    const { ws: overH2 } = await openH2(session, '/echo');
    const overH1 = await client(wssUrl(server.url, '/echo'), { rejectUnauthorized: false });
    overH2.send('two');
    overH1.send('one');
    expect(String((await message(overH2)).data)).toBe('two');
    expect(String((await message(overH1)).data)).toBe('one');
    expect(server.metrics.upgraded).toEqual({ 'HTTP/1.1': 1, 'HTTP/2': 1 });
    expect(echo.contexts.map((ctx) => ctx.req.httpVersion).sort()).toEqual(['HTTP/1.1', 'HTTP/2']);
  });

  it('announces extended CONNECT, and at most 100 streams per connection by default', async () => {
    const server = await secure({ '/echo': probe() });
    const session = await h2Connect(server.url);
    expect(session.remoteSettings).toMatchObject({
      enableConnectProtocol: true,
      maxConcurrentStreams: 100,
    });
    const tuned = await secure(
      { '/echo': probe() },
      { http2: { settings: { maxConcurrentStreams: 7, enableConnectProtocol: false } } },
    );
    expect((await h2Connect(tuned.url)).remoteSettings).toMatchObject({
      enableConnectProtocol: true,
      maxConcurrentStreams: 7,
    });
  });

  it('answers plain requests: 400 on a route over HTTP/2, 426 over HTTP/1.1, 404 elsewhere', async () => {
    const server = await secure({ '/echo': probe() });
    const session = await h2Connect(server.url);
    const onRoute = await h2Request(session, { ':path': '/echo' });
    expect([onRoute.status, onRoute.headers.upgrade]).toEqual([400, undefined]);
    expect((await h2Request(session, { ':path': '/elsewhere' })).status).toBe(404);
    expect(await https1(`${server.url}/echo`)).toEqual({ status: 426, upgrade: 'websocket' });
    expect((await https1(`${server.url}/elsewhere`)).status).toBe(404);
  });

  it('close(): 1001 to every WebSocket, HTTP/2 and HTTP/1.1, then GOAWAY', async () => {
    const echo = probe();
    const server = await serve({ tls: certificate(), routes: { '/echo': echo } });
    const session = await h2Connect(server.url);
    const { ws: overH2 } = await openH2(session, '/echo');
    const overH1 = await client(wssUrl(server.url, '/echo'), { rejectUnauthorized: false });
    const order: string[] = [];
    overH2.on('close', (code: number) => order.push(`h2 ${code}`));
    overH1.on('close', (code: number) => order.push(`h1 ${code}`));
    session.on('goaway', (code: number) => order.push(`goaway ${code}`));
    const sessionClosed = once(session, 'close');
    await server.close();
    await sessionClosed;
    expect([...order].sort()).toEqual(['goaway 0', 'h1 1001', 'h2 1001']);
    expect(order.indexOf('h2 1001')).toBeLessThan(order.indexOf('goaway 0'));
    expect(echo.terminations.map((t) => t.reason)).toEqual([reasons.shutdown, reasons.shutdown]);
    expect(server.httpServer.listening).toBe(false);
  });

  it('close(): resets (CANCEL) a stream whose peer does not answer 1001 in shutdownTimeout', async () => {
    const echo = probe();
    const server = await serve({
      tls: certificate(),
      routes: { '/echo': echo },
      shutdownTimeout: 100,
    });
    const session = await h2Connect(server.url);
    const { ws, stream } = await openH2(session, '/echo');
    // The peer stops reading: the 1001 never reaches its WebSocket, no close comes back.
    ws.pause();
    const streamClosed = once(stream, 'close');
    await server.close();
    await streamClosed;
    expect(stream.rstCode).toBe(8);
    expect((await echo.terminated()).reason).toEqual(reasons.shutdown);
  });

  it('sends GOAWAY to a connection without streams after handshakeTimeout, not to a busy one', async () => {
    const server = await secure(
      { '/echo': probe({}, { idleTimeout: Infinity }) },
      {
        handshakeTimeout: 200,
      },
    );
    // The busy connection goes silent first, so its timeout has passed when the idle one's has.
    const busy = await h2Connect(server.url);
    let busyGoaway = false;
    busy.on('goaway', () => (busyGoaway = true));
    const { ws } = await openH2(busy, '/echo');
    const idle = await h2Connect(server.url);
    const started = Date.now();
    await once(idle, 'goaway');
    expect(Date.now() - started).toBeGreaterThanOrEqual(150);
    ws.send('alive');
    expect(String((await message(ws)).data)).toBe('alive');
    expect([busyGoaway, busy.closed]).toEqual([false, false]);
  });

  it('bounds the TLS handshake and an HTTP/1.1 request by handshakeTimeout', async () => {
    const server = await secure({ '/echo': probe() }, { handshakeTimeout: 200 });
    const { port } = server;
    // Connected, but never starts TLS: dropped.
    const silent = net.connect(port, '127.0.0.1');
    track({ close: () => void silent.destroy() });
    silent.on('error', () => undefined);
    await once(silent, 'close');
    // TLS done over HTTP/1.1, but the request never completes: 408.
    const slow = tls.connect({
      port,
      host: '127.0.0.1',
      rejectUnauthorized: false,
      ALPNProtocols: ['http/1.1'],
    });
    track({ close: () => void slow.destroy() });
    await once(slow, 'secureConnect');
    slow.write('GET /echo HTTP/1.1\r\nHost: x\r\n');
    const [answer] = (await once(slow, 'data')) as [Buffer];
    expect(answer.toString()).toMatch(/^HTTP\/1\.1 408/);
  });

  it('drops a client that does not speak TLS without answering', async () => {
    const server = await secure({ '/echo': probe() });
    const plain = net.connect(server.port, '127.0.0.1');
    track({ close: () => void plain.destroy() });
    plain.on('error', () => undefined);
    const received: Buffer[] = [];
    plain.on('data', (chunk: Buffer) => received.push(chunk));
    plain.write('GET /echo HTTP/1.1\r\nHost: x\r\n\r\n');
    await once(plain, 'close');
    expect(Buffer.concat(received).toString()).not.toMatch(/^HTTP/);
    const session = await h2Connect(server.url);
    await openH2(session, '/echo');
  });

  it('with http2: false, serves HTTPS and WSS over HTTP/1.1 only', async () => {
    const server = await secure({ '/echo': probe() }, { http2: false });
    const ws = await client(wssUrl(server.url, '/echo'), { rejectUnauthorized: false });
    ws.send('h1');
    expect(String((await message(ws)).data)).toBe('h1');
    await expect(h2Connect(server.url)).rejects.toThrow(/no application protocol/);
    ws.close();
    await closed(ws);
  });

  it('refuses http2 without tls', async () => {
    await expect(serve({ routes: {}, http2: true })).rejects.toThrow(RodeoError);
    await expect(serve({ routes: {}, http2: true })).rejects.toMatchObject({
      code: 'RODEO_ERR_INVALID_OPTION',
    });
  });
});
