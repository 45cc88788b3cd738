import { once } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { reasons, type RodeoServer, type TerminateReason } from 'rodeo';
import { startFeedServer, type FeedServerOptions } from './server.js';

const servers: RodeoServer[] = [];
const clients: WebSocket[] = [];

afterEach(async () => {
  for (const ws of clients.splice(0)) ws.terminate();
  for (const server of servers.splice(0)) await server.close();
});

/** The feed on a free port; `ended` resolves with the first connection's terminate reason. */
async function startFeed(options: Omit<FeedServerOptions, 'onEnd'> = {}) {
  let onEnd: (reason: TerminateReason) => void = () => undefined;
  const ended = new Promise<TerminateReason>((resolve) => (onEnd = resolve));
  const server = await startFeedServer({ port: 0, host: '127.0.0.1', ...options, onEnd });
  servers.push(server);
  return { server, ended, url: `ws://127.0.0.1:${server.port}/feed` };
}

/** A `ws` client, closed after the test. */
function connect(url: string, options: WebSocket.ClientOptions = {}): WebSocket {
  const ws = new WebSocket(url, options);
  ws.on('error', () => undefined); // the tests look at close codes
  clients.push(ws);
  return ws;
}

/** The close code the client receives. */
async function closeCode(ws: WebSocket): Promise<number> {
  const [code] = (await once(ws, 'close')) as [number];
  return code;
}

describe('the feed on a real socket', () => {
  it('closes a message over maxFrameSize with 1009; terminate gets error badsize', async () => {
    const { server, ended, url } = await startFeed();
    const ws = connect(url);
    await once(ws, 'open');
    ws.send('x'.repeat(64 * 1024 + 1));
    expect(await closeCode(ws)).toBe(1009);
    expect(await ended).toEqual(reasons.error('badsize'));
    expect(server.metrics.terminated.error).toBe(1);
  });

  it('keeps a client that only listens open past idleTimeout: its pongs count', async () => {
    const { server, url } = await startFeed({ limits: { idleTimeout: 500, keepalive: 100 } });
    const ws = connect(url);
    await once(ws, 'open');
    const opened = Date.now();
    for (let pings = 0; pings < 7; pings++) await once(ws, 'ping');
    expect(Date.now() - opened).toBeGreaterThan(500);
    expect(ws.readyState).toBe(WebSocket.OPEN);
    expect(server.metrics.open).toBe(1);
  });

  it('closes a client that never answers pings with 1000; terminate gets timeout', async () => {
    const { ended, url } = await startFeed({ limits: { idleTimeout: 500, keepalive: 100 } });
    const ws = connect(url, { autoPong: false });
    let pings = 0;
    ws.on('ping', () => pings++);
    expect(await closeCode(ws)).toBe(1000);
    expect(await ended).toEqual(reasons.timeout);
    expect(pings).toBeGreaterThan(0); // every 100 ms until the timeout at 500
  });

  it('ends a connection whose mailbox overflows with 1013 (mailboxOverflow: close)', async () => {
    const { server, ended, url } = await startFeed();
    const ws = connect(url);
    await once(ws, 'open');
    let received = 0;
    ws.on('message', () => received++);
    // One synchronous burst: a mailbox handles 256 messages in one go, the rest wait.
    const accepted = Array.from({ length: 2_000 }, (_, i) =>
      server.registry.publish('feed', { line: `update ${i}` }),
    );
    const refusedAt = accepted.indexOf(0);
    expect(refusedAt).toBeGreaterThan(1_000); // mailboxLimit waited, more were handled at once
    expect(accepted.slice(refusedAt).every((count) => count === 0)).toBe(true);
    expect(await closeCode(ws)).toBe(1013);
    expect(await ended).toEqual(reasons.mailboxFull);
    expect(received).toBeLessThan(refusedAt); // what waited when it ended was dropped
  });

  it('ends a client that stops reading with 1008 once 1 MiB waits', async () => {
    const { server, ended, url } = await startFeed();
    const ws = connect(url);
    await once(ws, 'open');
    ws.pause(); // stop reading: the server's writes fill the kernel's buffers, then Node's
    const line = 'x'.repeat(16 * 1024);
    while (server.metrics.open > 0) {
      for (let i = 0; i < 32; i++) server.registry.publish('feed', { line });
      await new Promise((resolve) => setImmediate(resolve)); // one turn of the event loop
    }
    expect(await ended).toEqual(reasons.backpressure);
    expect(server.metrics.peakQueueBytes).toBeLessThanOrEqual(1024 * 1024);
    ws.resume(); // reading again, the client finds what was sent, then the close frame
    expect(await closeCode(ws)).toBe(1008);
  });

  it('drops TCP connections past maxConnections', async () => {
    const { url } = await startFeed({ maxConnections: 1 });
    const first = connect(url);
    await once(first, 'open');
    const second = connect(url);
    await expect(once(second, 'open')).rejects.toThrow('socket hang up');
    expect(first.readyState).toBe(WebSocket.OPEN);
  });
});
