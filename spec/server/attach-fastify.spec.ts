/**
 * `attach` on Fastify 5: rodeo takes the upgrades of `fastify.server`, Fastify keeps its routes.
 * A plain request on a WebSocket route is refused from an `onRequest` hook, which Fastify runs
 * for every request (its 404s included): `requireUpgrade` answers on the raw request and response,
 * and `reply.hijack()` tells Fastify the answer is written.
 */
import type { AddressInfo } from 'node:net';
import Fastify from 'fastify';
import { describe } from 'vitest';
import { echoHandler } from '../../examples/echo.js';
import { attach } from '../../src/index.js';
import { attachSpecs, ECHO_PATH } from './frameworks.js';
import { track } from './support.js';

describe('attach on Fastify', () => {
  attachSpecs('Fastify', 'an onRequest hook', async (guard) => {
    const logged: string[] = [];
    const app = Fastify({
      logger: { level: 'warn', stream: { write: (line) => logged.push(line) } },
    });
    track({ close: () => app.close() });
    const rodeo = track(attach(app.server, { routes: { [ECHO_PATH]: echoHandler() } }));
    if (guard) {
      app.addHook('onRequest', async (request, reply) => {
        if (rodeo.requireUpgrade(request.raw, reply.raw)) reply.hijack();
      });
    }
    app.get('/health', () => ({ ok: true }));
    await app.listen({ port: 0, host: '127.0.0.1' });
    const base = `127.0.0.1:${(app.server.address() as AddressInfo).port}`;
    return { base, rodeo, reported: () => logged };
  });
});
