/** `attach` on an Express 5 app's http server: Express keeps its routes, rodeo takes the upgrades. */
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { echoHandler } from '../../examples/echo.js';
import { attach } from '../../src/index.js';

describe('attach on Express', () => {
  const clients: WebSocket[] = [];
  let server: Server | undefined;
  let detach: (() => Promise<void>) | undefined;

  afterEach(async () => {
    for (const client of clients.splice(0)) client.terminate();
    await detach?.();
    if (server?.listening) {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server?.close(() => resolve()));
    }
    server = detach = undefined;
  });

  async function start(): Promise<number> {
    const app = express();
    app.get('/health', (_req, res) => {
      res.json({ ok: true });
    });
    app.post('/items', express.json(), (req, res) => {
      res.status(201).json({ created: req.body as unknown });
    });
    server = createServer(app);
    detach = attach(server, { routes: { '/ws/echo': echoHandler() } }).close;
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    return (server.address() as AddressInfo).port;
  }

  it('leaves plain Express routes answering', async () => {
    const base = `http://127.0.0.1:${await start()}`;
    const health = await fetch(`${base}/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ ok: true });

    const created = await fetch(`${base}/items`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'lasso' }),
    });
    expect(created.status).toBe(201);
    expect(await created.json()).toEqual({ created: { name: 'lasso' } });

    expect((await fetch(`${base}/missing`)).status).toBe(404);
  });

  it('upgrades the websocket route and echoes, compressed, next to Express', async () => {
    const port = await start();
    const client = new WebSocket(`ws://127.0.0.1:${port}/ws/echo`);
    clients.push(client);
    await once(client, 'open');
    expect(client.extensions).toContain('permessage-deflate');

    const reply = once(client, 'message');
    client.send('howdy');
    const [data, isBinary] = (await reply) as [Buffer, boolean];
    expect(isBinary).toBe(false);
    expect(data.toString('utf8')).toBe('howdy');

    // Plain HTTP on the same server still works while the socket is open.
    expect((await fetch(`http://127.0.0.1:${port}/health`)).status).toBe(200);

    const closed = once(client, 'close');
    await detach?.();
    detach = undefined;
    expect((await closed)[0]).toBe(1001);
  });
});
