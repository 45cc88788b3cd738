import Fastify from 'fastify';
import { attach } from 'rodeo';
import { echo } from './echoServer.js';

/** Fastify: an onRequest hook sees every request, its 404s included. */
export async function startFastifyApp(port = 8080) {
  const app = Fastify();
  const rodeo = attach(app.server, { routes: { '/echo': echo } });
  app.addHook('onRequest', async (request, reply) => {
    if (rodeo.requireUpgrade(request.raw, reply.raw)) reply.hijack();
  });
  app.get('/health', async () => ({ ok: true }));
  await app.listen({ port, host: '127.0.0.1' });
  return { app, rodeo };
}
