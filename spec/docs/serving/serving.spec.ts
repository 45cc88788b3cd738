/**
 * The serving examples of docs/serving.md, run as a user would: each framework keeps its own
 * routes, rodeo echoes on /echo, a plain GET on /echo gets 426, and `rodeo.close()` sends 1001.
 */
import { once } from 'node:events';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { RodeoAttachment } from 'rodeo';
import { client, closeAll, closed, message, plainGet, track } from '../../server/support.js';
import { startEchoServer } from './echoServer.js';
import { startExpressApp } from './expressApp.js';
import { startFastifyApp } from './fastifyApp.js';
import { startHonoApp } from './honoApp.js';
import { startHttpServer } from './httpListener.js';

afterEach(closeAll);

/** Waits for `server` to listen, closes it after the spec, and returns its host:port. */
async function listening(server: Server): Promise<string> {
  if (!server.listening) await once(server, 'listening');
  track({
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  });
  return `127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** Echo on /echo, the app's own /health, 426 for a plain GET /echo, 1001 on close. */
async function behavesAsDocumented(base: string, rodeo: RodeoAttachment): Promise<void> {
  const ws = await client(`ws://${base}/echo`);
  ws.send('howdy');
  expect((await message(ws)).data.toString()).toBe('howdy');
  expect((await plainGet(`http://${base}/health`)).status).toBe(200);
  const refused = await plainGet(`http://${base}/echo`);
  expect(refused).toMatchObject({ status: 426, upgrade: 'websocket' });
  const goingAway = closed(ws);
  await rodeo.close();
  expect((await goingAway).code).toBe(1001);
}

describe('docs/serving.md', () => {
  it('serve: echoes on /echo, 426 for a plain GET, 1001 on close', async () => {
    const server = await startEchoServer(0);
    const ws = await client(`${server.url.replace('http', 'ws')}/echo`);
    ws.send(Buffer.from([1, 2, 3]));
    expect(await message(ws)).toEqual({ data: Buffer.from([1, 2, 3]), isBinary: true });
    expect((await plainGet(`${server.url}/echo`)).status).toBe(426);
    const goingAway = closed(ws);
    await server.close();
    expect((await goingAway).code).toBe(1001);
  });

  it('attach to Express', async () => {
    const { httpServer, rodeo } = startExpressApp(0);
    await behavesAsDocumented(await listening(httpServer), rodeo);
  });

  it('attach to a node:http server', async () => {
    const { httpServer, rodeo } = startHttpServer(0);
    await behavesAsDocumented(await listening(httpServer), rodeo);
  });

  it('attach to Fastify', async () => {
    const { app, rodeo } = await startFastifyApp(0);
    track({ close: () => app.close() });
    const { port } = app.server.address() as AddressInfo;
    await behavesAsDocumented(`127.0.0.1:${port}`, rodeo);
  });

  it("attach to Hono's node server", async () => {
    const { httpServer, rodeo } = startHonoApp(0);
    await behavesAsDocumented(await listening(httpServer), rodeo);
  });
});
