import { once } from 'node:events';
import http from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import { attach } from '../../src/index.js';
import { probe } from '../fixtures/serverHandlers.js';
import { client, closeAll, closed, message, plainHttpServer, track } from './support.js';

afterEach(closeAll);

function get(url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, (res) => {
        let body = '';
        res.on('data', (chunk: Buffer) => (body += chunk.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
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
