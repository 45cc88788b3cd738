import { once } from 'node:events';
import http from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import { attach, type Routes } from '../../src/index.js';
import { probe } from '../fixtures/serverHandlers.js';
import { client, closeAll, closed, message, plainHttpServer, track } from './support.js';

afterEach(closeAll);

interface Answer {
  status: number;
  body: string;
  upgrade?: string | undefined;
}

function get(url: string, headers: http.OutgoingHttpHeaders = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { headers }, (res) => {
        let body = '';
        res.on('data', (chunk: Buffer) => (body += chunk.toString()));
        res.on('end', () => {
          const upgrade = res.headers.upgrade;
          resolve({ status: res.statusCode ?? 0, body, ...(upgrade ? { upgrade } : {}) });
        });
      })
      .on('error', reject);
  });
}

describe('attach (node:http)', () => {
  it('serves WebSocket routes through the upgrade event and leaves plain requests alone', async () => {
    const { server, port } = await plainHttpServer();
    const rodeo = track(attach(server, { routes: { '/echo': probe() } }));
    expect(await get(`http://127.0.0.1:${port}/echo`)).toEqual({ status: 200, body: 'plain' });
    const ws = await client(`ws://127.0.0.1:${port}/echo`);
    ws.send('hi');
    expect((await message(ws)).data.toString()).toBe('hi');
    expect(rodeo.metrics.open).toBe(1);
  });

  it('close() ends rodeo connections with 1001 and keeps the HTTP server running', async () => {
    const { server, port } = await plainHttpServer();
    const handler = probe();
    const rodeo = attach(server, { routes: { '/echo': handler } });
    const ws = await client(`ws://127.0.0.1:${port}/echo`);
    const peerSaw = closed(ws);
    await rodeo.close();
    expect((await peerSaw).code).toBe(1001);
    expect((await handler.terminated()).reason).toEqual({ type: 'shutdown' });
    expect(server.listening).toBe(true);
    expect(server.listenerCount('upgrade')).toBe(0);
    expect((await get(`http://127.0.0.1:${port}/`)).body).toBe('plain');
  });

  it('answers 404 to unknown upgrade paths, unless another upgrade listener is there', async () => {
    const { server, port } = await plainHttpServer();
    track(attach(server, { routes: { '/echo': probe() } }));
    const refused = new WebSocket(`ws://127.0.0.1:${port}/other`);
    refused.on('error', () => undefined);
    track({ close: () => refused.terminate() });
    const [, res] = (await once(refused, 'unexpected-response')) as [unknown, http.IncomingMessage];
    expect(res.statusCode).toBe(404);
    const other = new WebSocketServer({ noServer: true });
    track({ close: () => other.close() });
    server.on('upgrade', (req, socket, head) => {
      if (req.url === '/other') other.handleUpgrade(req, socket, head, (ws) => ws.send('other'));
    });
    const ws = await client(`ws://127.0.0.1:${port}/other`);
    expect((await message(ws)).data.toString()).toBe('other');
  });

  it('shares the registry it was given', async () => {
    const { server } = await plainHttpServer();
    const rodeo = track(attach(server, { routes: { '/echo': probe() } }));
    expect(rodeo.registry.members('none')).toEqual([]);
  });
});

describe('attach: requireUpgrade (node:http)', () => {
  /** A server whose listener asks rodeo first, then answers 'plain' and counts what it saw. */
  async function guarded(routes: Routes) {
    const passed: string[] = [];
    const { server, port } = await plainHttpServer(null);
    const rodeo = track(attach(server, { routes }));
    server.on('request', (req, res) => {
      if (rodeo.requireUpgrade(req, res)) return;
      passed.push(req.url ?? '');
      res.end('plain');
    });
    return { rodeo, passed, base: `http://127.0.0.1:${port}` };
  }

  it('answers a plain request on a route with 426 and Upgrade: websocket, others pass', async () => {
    const { base, passed } = await guarded({ '/echo': probe(), '/rooms/:room': probe() });
    const refused = { status: 426, body: 'Upgrade Required', upgrade: 'websocket' };
    expect(await get(`${base}/echo`)).toEqual(refused);
    expect(await get(`${base}/echo?x=1`)).toEqual(refused);
    expect(await get(`${base}/rooms/lobby`)).toEqual(refused);
    expect(await get(`${base}/other`)).toEqual({ status: 200, body: 'plain' });
    expect(await get(`${base}/rooms/a/b`)).toEqual({ status: 200, body: 'plain' });
    expect(passed).toEqual(['/other', '/rooms/a/b']);
  });

  it('answers 400 to Upgrade: websocket without Connection: Upgrade, as serve does', async () => {
    const { base } = await guarded({ '/echo': probe() });
    const malformed = await get(`${base}/echo`, { Upgrade: 'websocket' });
    expect(malformed).toEqual({ status: 400, body: 'Bad Request' });
  });

  it('still upgrades the route it guards', async () => {
    const { base } = await guarded({ '/echo': probe() });
    const ws = await client(`${base.replace('http', 'ws')}/echo`);
    ws.send('hi');
    expect((await message(ws)).data.toString()).toBe('hi');
  });

  it('calls next() for other paths only, and returns whether it answered', async () => {
    const calls: string[] = [];
    const { server, port } = await plainHttpServer(null);
    const rodeo = track(attach(server, { routes: { '/echo': probe() } }));
    server.on('request', (req, res) => {
      const answered = rodeo.requireUpgrade(req, res, (error?: unknown) => {
        calls.push(`next(${String(error)})`);
        res.end('next');
      });
      calls.push(`${req.url ?? ''} ${String(answered)}`);
    });
    expect((await get(`http://127.0.0.1:${port}/echo`)).status).toBe(426);
    expect((await get(`http://127.0.0.1:${port}/x`)).body).toBe('next');
    expect(calls).toEqual(['/echo true', 'next(undefined)', '/x false']);
  });

  it('answers nothing once the attachment is closed', async () => {
    const { base, rodeo, passed } = await guarded({ '/echo': probe() });
    await rodeo.close();
    expect(await get(`${base}/echo`)).toEqual({ status: 200, body: 'plain' });
    expect(passed).toEqual(['/echo']);
  });
});
