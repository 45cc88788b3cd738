import type { Server } from 'node:http';
import { createAdaptorServer, type HttpBindings } from '@hono/node-server';
import { RESPONSE_ALREADY_SENT } from '@hono/node-server/utils/response';
import { Hono } from 'hono';
import { attach } from 'rodeo';
import { echo } from './echoServer.js';

/** Hono's node server: a first middleware hands Node's request and response to rodeo. */
export function startHonoApp(port = 8080) {
  const app = new Hono<{ Bindings: HttpBindings }>();
  const httpServer = createAdaptorServer({ fetch: app.fetch }) as Server;
  const rodeo = attach(httpServer, { routes: { '/echo': echo } });
  app.use(async (c, next) => {
    if (rodeo.requireUpgrade(c.env.incoming, c.env.outgoing)) return RESPONSE_ALREADY_SENT;
    return next();
  });
  app.get('/health', (c) => c.text('ok'));
  httpServer.listen(port, '127.0.0.1');
  return { httpServer, rodeo };
}
