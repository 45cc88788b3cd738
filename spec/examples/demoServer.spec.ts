import { once } from 'node:events';
import type { IncomingMessage } from 'node:http';
import { connect } from 'node:net';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startDemo, type Demo, type DemoOptions } from '../../examples/demoServer.js';
import {
  h2Connect,
  h2Request,
  h2WebSocket,
  makeCertificate,
  openH2,
  type Certificate,
} from '../server/h2Peer.js';
import { client, closeAll, closed as h2Closed, message } from '../server/support.js';
import { closed, openClient, terminateAll } from './support.js';

const ROUTES = ['/echo', '/pipeline-echo', '/chat', '/clock'] as const;

describe('startDemo', () => {
  const clients: WebSocket[] = [];
  let demo: Demo | undefined;

  afterEach(async () => {
    terminateAll(clients);
    await demo?.close();
    demo = undefined;
  });

  async function start(options: DemoOptions = {}): Promise<Demo> {
    demo = await startDemo({ port: 0, ...options });
    return demo;
  }

  const ws = (path: string): string => {
    if (!demo) throw new Error('demo not started');
    return `ws://127.0.0.1:${demo.port}${path}`;
  };

  /** The HTTP status a WebSocket handshake on `path` is refused with, or `open`. */
  async function handshake(
    path: string,
    headers: Record<string, string>,
  ): Promise<number | 'open'> {
    const socket = new WebSocket(ws(path), { headers });
    clients.push(socket);
    socket.on('error', () => undefined);
    const outcome = await Promise.race([
      once(socket, 'open').then(() => 'open' as const),
      once(socket, 'unexpected-response').then(([, res]) => (res as IncomingMessage).statusCode),
    ]);
    return outcome ?? 0;
  }

  it('listens on 127.0.0.1 unless told otherwise, and serves the page as UTF-8 HTML', async () => {
    const { url, port } = await start();
    expect(url).toBe(`http://127.0.0.1:${port}/`);
    const page = await fetch(url);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const html = await page.text();
    for (const id of [
      'echo-input',
      'echo-send',
      'echo-log',
      'chat-nick',
      'chat-join',
      'chat-log',
    ]) {
      expect(html).toContain(`id="${id}"`);
    }
    expect((await fetch(new URL('/nope', url))).status).toBe(404);
  });

  it('answers a plain GET on every websocket route with 426 and Upgrade: websocket', async () => {
    const { url } = await start();
    for (const route of ROUTES) {
      const res = await fetch(new URL(`${route}?nick=x`, url));
      expect([route, res.status, res.headers.get('upgrade')]).toEqual([route, 426, 'websocket']);
    }
  });

  it('serves /echo (compressed), /pipeline-echo, /chat and /clock', async () => {
    await start({ clockInterval: 10 });

    const echo = await openClient(ws('/echo'), clients);
    expect(echo.socket.extensions).toContain('permessage-deflate');
    echo.socket.send('ping?');
    expect(await echo.inbox.text()).toBe('ping?');

    const pipe = await openClient(ws('/pipeline-echo'), clients);
    pipe.socket.send('hi');
    expect(await pipe.inbox.text()).toBe('hi');

    const chat = await openClient(ws('/chat?nick=ann'), clients);
    expect(await chat.inbox.json()).toEqual({ type: 'members', nicks: ['ann'] });
    expect(await chat.inbox.json()).toEqual({ type: 'joined', nick: 'ann' });

    const clock = await openClient(ws('/clock'), clients);
    expect(Number.isNaN(Date.parse(await clock.inbox.text()))).toBe(false);
    const tooBig = closed(clock.socket);
    clock.socket.send('x'.repeat(1025));
    expect((await tooBig).code).toBe(1009);
  });

  it("opens sockets for the page's own origin and for clients without Origin only", async () => {
    const { port } = await start();
    for (const route of ROUTES) {
      expect(await handshake(route, { Origin: `http://127.0.0.1:${port}` })).toBe('open');
      expect(await handshake(route, { Origin: 'http://evil.example' })).toBe(403);
      expect(await handshake(route, { Origin: `http://localhost:${port}` })).toBe(403);
      expect(
        await handshake(route, { Origin: `http://localhost:${port}`, Host: `localhost:${port}` }),
      ).toBe('open');
      expect(await handshake(route, {})).toBe('open');
    }
  });

  it('takes allowedOrigins instead of the own origin when it leaves self out', async () => {
    const { port } = await start({ allowedOrigins: ['https://a.example'] });
    expect(await handshake('/echo', { Origin: 'https://a.example' })).toBe('open');
    expect(await handshake('/echo', { Origin: `http://127.0.0.1:${port}` })).toBe(403);
    await demo?.close();
    await start({ allowedOrigins: ['*'] });
    expect(await handshake('/chat', { Origin: 'https://anywhere.example' })).toBe('open');
  });

  it('tells no one about a chat connection it refused', async () => {
    await start();
    const ann = await openClient(ws('/chat?nick=ann'), clients);
    expect(await ann.inbox.json()).toEqual({ type: 'members', nicks: ['ann'] });
    expect(await ann.inbox.json()).toEqual({ type: 'joined', nick: 'ann' });
    expect(await handshake('/chat?nick=eve', { Origin: 'http://evil.example' })).toBe(403);
    const bob = await openClient(ws('/chat?nick=bob'), clients);
    expect(await bob.inbox.json()).toEqual({ type: 'members', nicks: ['ann', 'bob'] });
    expect(await bob.inbox.json()).toEqual({ type: 'joined', nick: 'bob' });
    // The refused connection neither joined nor left: ann hears of bob next.
    expect(await ann.inbox.json()).toEqual({ type: 'joined', nick: 'bob' });
  });

  it('applies idleTimeout to every route (keepalive off)', async () => {
    await start({ idleTimeout: 300, keepalive: Infinity });
    for (const route of ROUTES) {
      const { socket } = await openClient(ws(route), clients);
      expect([route, (await closed(socket)).code]).toEqual([route, 1000]);
    }
  });

  it('pings a silent client on every route, whose pongs keep it past idleTimeout', async () => {
    await start({ idleTimeout: 300, keepalive: 100 });
    for (const route of ROUTES) {
      const { socket } = await openClient(ws(route), clients);
      let pings = 0;
      socket.on('ping', () => pings++);
      socket.on('close', (code) => expect.fail(`${route} closed with ${code}`));
      // Four pings 100 ms apart outlast the 300 ms idle timeout, kept by the automatic pongs.
      while (pings < 4) await once(socket, 'ping');
      expect(socket.readyState).toBe(WebSocket.OPEN);
      socket.removeAllListeners('close');
    }
  });

  it('ends a client that does not answer the pings with timeout', async () => {
    await start({ idleTimeout: 300, keepalive: 100 });
    const { socket } = await openClient(ws('/clock'), clients, { autoPong: false });
    let pings = 0;
    socket.on('ping', () => pings++);
    expect((await closed(socket)).code).toBe(1000);
    expect(pings).toBeGreaterThanOrEqual(2);
  });

  it('takes no more than maxConnections at once', async () => {
    await start({ maxConnections: 2 });
    await openClient(ws('/echo'), clients);
    await openClient(ws('/echo'), clients);
    const third = new WebSocket(ws('/echo'));
    clients.push(third);
    const [error] = (await once(third, 'error')) as [Error];
    expect(error.message).toMatch(/socket hang up|ECONNRESET/);
  });

  it('answers 408 and hangs up on a client that does not finish its request in time', async () => {
    const { port } = await start({ requestTimeout: 200 });
    const socket = connect(port, '127.0.0.1');
    socket.write('GET /echo HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n');
    let answer = '';
    socket.on('data', (chunk: Buffer) => (answer += chunk.toString('latin1')));
    await once(socket, 'close');
    expect(answer).toMatch(/^HTTP\/1\.1 408 /);
  });

  it('applies echoMaxFrameSize to /echo', async () => {
    await start({ echoMaxFrameSize: 64 });
    const { socket, inbox } = await openClient(ws('/echo'), clients);
    socket.send('x'.repeat(64));
    expect(await inbox.text()).toBe('x'.repeat(64));
    const done = closed(socket);
    socket.send('x'.repeat(65));
    expect((await done).code).toBe(1009);
  });

  it('closes open connections with 1001 on close()', async () => {
    const running = await start();
    const { socket } = await openClient(ws('/chat'), clients);
    const done = closed(socket);
    await running.close();
    demo = undefined;
    expect((await done).code).toBe(1001);
  });
});

describe('startDemo with a certificate', () => {
  let certificate: Certificate;
  let demo: Demo | undefined;

  beforeAll(async () => {
    certificate = await makeCertificate();
  });

  afterEach(async () => {
    await closeAll();
    await demo?.close();
    demo = undefined;
  });

  it('serves the page and every route over HTTPS, HTTP/2 and HTTP/1.1 on one port', async () => {
    demo = await startDemo({ port: 0, tls: certificate });
    const { url, port } = demo;
    expect(url).toBe(`https://127.0.0.1:${port}/`);
    const session = await h2Connect(url);
    const page = await h2Request(session, { ':path': '/' });
    expect([page.status, page.headers['content-type']]).toEqual([200, 'text/html; charset=utf-8']);
    expect(page.body).toContain('echo-input');
    const origin = { origin: `https://127.0.0.1:${port}` };
    for (const route of ROUTES) await openH2(session, route, { headers: origin });
    const { ws: echo } = await openH2(session, '/echo', { headers: origin, compress: true });
    echo.send('over h2');
    expect(String((await message(echo)).data)).toBe('over h2');
    const h1 = await client(`wss://127.0.0.1:${port}/echo`, {
      rejectUnauthorized: false,
      origin: origin.origin,
    });
    h1.send('over h1');
    expect(String((await message(h1)).data)).toBe('over h1');
    const evil = await h2WebSocket(session, '/echo', {
      headers: { origin: 'https://evil.example' },
    });
    expect('status' in evil && evil.status).toBe(403);
    expect(demo.metrics.upgraded).toEqual({ 'HTTP/1.1': 1, 'HTTP/2': ROUTES.length + 1 });
    // A plain GET on a route over HTTP/2: 400 (HTTP/2 has no Upgrade header to answer 426 with).
    expect((await h2Request(session, { ':path': '/echo' })).status).toBe(400);
  });

  it('closes its WebSockets with 1001, then every connection, on close()', async () => {
    const running = (demo = await startDemo({ port: 0, tls: certificate }));
    const session = await h2Connect(running.url);
    const { ws } = await openH2(session, '/clock', {
      headers: { origin: `https://127.0.0.1:${running.port}` },
    });
    const sessionClosed = once(session, 'close');
    const done = h2Closed(ws);
    await running.close();
    demo = undefined;
    expect((await done).code).toBe(1001);
    await sessionClosed;
  });
});
