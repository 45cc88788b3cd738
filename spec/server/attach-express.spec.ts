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

  /** Express app with two routes; `guard` says where `requireUpgrade` is mounted, if anywhere. */
  async function start(guard?: '/' | '/ws'): Promise<number> {
    const app = express();
    app.get('/health', (_req, res) => {
      res.json({ ok: true });
    });
    app.post('/items', express.json(), (req, res) => {
      res.status(201).json({ created: req.body as unknown });
    });
    server = createServer(app);
    const rodeo = attach(server, { routes: { '/ws/echo': echoHandler() } });
    detach = rodeo.close;
    if (guard === '/') app.use(rodeo.requireUpgrade);
    if (guard === '/ws') app.use('/ws', rodeo.requireUpgrade);
    app.get('/ws/echo', (_req, res) => {
      res.send('express saw /ws/echo');
    });
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

  it('leaves a plain request on the websocket route to Express without requireUpgrade', async () => {
    const base = `http://127.0.0.1:${await start()}`;
    expect(await (await fetch(`${base}/ws/echo`)).text()).toBe('express saw /ws/echo');
  });

  for (const mount of ['/', '/ws'] as const) {
    it(`answers 426 on the websocket route with app.use(${mount === '/' ? '' : "'/ws', "}rodeo.requireUpgrade)`, async () => {
      const port = await start(mount);
      const base = `http://127.0.0.1:${port}`;
      const plain = await fetch(`${base}/ws/echo?x=1`);
      expect(plain.status).toBe(426);
      expect(plain.headers.get('upgrade')).toBe('websocket');
      expect(await plain.text()).toBe('Upgrade Required');
      // Other paths go on to Express's own routes and its 404.
      expect((await fetch(`${base}/health`)).status).toBe(200);
      expect((await fetch(`${base}/ws/other`)).status).toBe(404);
      const client = new WebSocket(`ws://127.0.0.1:${port}/ws/echo`);
      clients.push(client);
      await once(client, 'open');
    });
  }
});
