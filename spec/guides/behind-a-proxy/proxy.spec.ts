import { EventEmitter, once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createApp, shutdownOnSignal, type App, type AppOptions } from './app.js';
import { trustedProxies } from './clientAddress.js';
import { startProxy, type Proxy } from './proxy.js';

// Loopback is all of 127.0.0.0/8 on Linux: each party gets its own address.
const PROXY = '127.0.0.2'; // the proxy next to the app connects from here
const FRONT = '127.0.0.4'; // a proxy in front of that one
const CLIENT = '127.0.0.3'; // clients connect from here

const clients: WebSocket[] = [];
const proxies: Proxy[] = [];
const apps: App[] = [];
afterEach(async () => {
  for (const client of clients.splice(0)) client.terminate();
  await Promise.all(proxies.splice(0).map((proxy) => proxy.close()));
  await Promise.all(apps.splice(0).map((app) => app.shutdown()));
});

/** The app on port 0, with defaults fit for tests. */
async function startApp(options: Partial<AppOptions> = {}): Promise<{ app: App; port: number }> {
  const trusted = trustedProxies(PROXY);
  const app = createApp({ trusted, keepalive: 25_000, drainDelay: 0, ...options });
  apps.push(app);
  await new Promise<void>((resolve) => app.server.listen(0, '127.0.0.1', resolve));
  return { app, port: (app.server.address() as AddressInfo).port };
}

/** A proxy on port 0 in front of `port`, connecting from `from`. */
async function proxy(port: number, from: string, idleTimeout = 10_000): Promise<number> {
  const target = { host: '127.0.0.1', port };
  const started = await startProxy({ target, localAddress: from, idleTimeout });
  proxies.push(started);
  return started.port;
}

/** A client of `/ws` on `port`, from {@link CLIENT}, and the greeting it gets. */
async function open(port: number, headers: Record<string, string> = {}) {
  const socket = new WebSocket(`ws://127.0.0.1:${port}/ws`, { headers, localAddress: CLIENT });
  clients.push(socket);
  const [greeting] = (await once(socket, 'message')) as [Buffer];
  return { socket, greeting: String(greeting) };
}

describe('the client address behind a reverse proxy', () => {
  it("is the proxy's peer, whatever X-Forwarded-For the client sends", async () => {
    const front = await proxy((await startApp()).port, PROXY);
    expect((await open(front)).greeting).toBe(`hello ${CLIENT}`);
    const forged = await open(front, { 'X-Forwarded-For': '203.0.113.9' });
    expect(forged.greeting).toBe(`hello ${CLIENT}`);
  });

  it('is the peer address for a client that connects directly, X-Forwarded-For or not', async () => {
    const direct = await open((await startApp()).port, { 'X-Forwarded-For': '203.0.113.9' });
    expect(direct.greeting).toBe(`hello ${CLIENT}`);
  });

  it('is found through several proxies, as long as each of them is trusted', async () => {
    const both = await startApp({ trusted: trustedProxies(PROXY, `${FRONT}/32`) });
    const throughBoth = await proxy(await proxy(both.port, PROXY), FRONT);
    expect((await open(throughBoth)).greeting).toBe(`hello ${CLIENT}`);
    const nearOnly = await startApp();
    const throughNearOnly = await proxy(await proxy(nearOnly.port, PROXY), FRONT);
    expect((await open(throughNearOnly)).greeting).toBe(`hello ${FRONT}`);
  });
});

describe('behind a proxy that cuts silent tunnels', () => {
  it('keeps a quiet connection open with keepalive pings shorter than its timeout', async () => {
    const front = await proxy((await startApp({ keepalive: 100 })).port, PROXY, 500);
    const { socket } = await open(front);
    let pings = 0;
    await new Promise<void>((resolve) => socket.on('ping', () => ++pings === 10 && resolve()));
    socket.send('still here'); // 10 pings: 1 s, twice the proxy's timeout
    expect(String((await once(socket, 'message'))[0])).toBe('still here');
  });

  it('loses a quiet connection without them: the client sees 1006', async () => {
    const front = await proxy((await startApp({ keepalive: Infinity })).port, PROXY, 300);
    const { socket } = await open(front);
    const [code] = (await once(socket, 'close')) as [number];
    expect(code).toBe(1006);
  });
});

describe('health checks and shutdown', () => {
  it('answers the health check and a plain GET on the WebSocket route', async () => {
    const front = await proxy((await startApp()).port, PROXY);
    const health = await fetch(`http://127.0.0.1:${front}/healthz`);
    expect([health.status, await health.text()]).toEqual([200, 'ok\n']);
    const plain = await fetch(`http://127.0.0.1:${front}/ws`);
    expect([plain.status, plain.headers.get('upgrade')]).toEqual([426, 'websocket']);
  });

  it('on SIGTERM fails health checks, serves while draining, then closes with 1001', async () => {
    const { app, port } = await startApp({ drainDelay: 1_000 });
    const signals = new EventEmitter();
    shutdownOnSignal(app, signals);
    const front = await proxy(port, PROXY);
    const { socket } = await open(front);
    signals.emit('SIGTERM');
    const health = await fetch(`http://127.0.0.1:${front}/healthz`);
    expect(health.status).toBe(503);
    const late = await open(front); // while draining, new connections are still served
    expect(late.greeting).toBe(`hello ${CLIENT}`);
    const codes = await Promise.all([socket, late.socket].map((ws) => once(ws, 'close')));
    expect(codes.map(([code]) => code as number)).toEqual([1001, 1001]);
    await app.shutdown();
    expect(app.server.listening).toBe(false);
  });
});
