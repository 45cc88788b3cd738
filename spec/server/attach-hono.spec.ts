/**
 * `attach` on Hono's Node server (`@hono/node-server`): rodeo takes the upgrades of the
 * `node:http` server the adapter creates, Hono keeps its routes. Hono handlers see a web `Request`,
 * but the adapter passes the raw `incoming` and `outgoing` as `c.env`: a first middleware gives
 * them to `requireUpgrade`, and returns `RESPONSE_ALREADY_SENT` when it answered.
 */
import type { Server } from 'node:http';
import { createAdaptorServer, type HttpBindings } from '@hono/node-server';
import { RESPONSE_ALREADY_SENT } from '@hono/node-server/utils/response';
import { Hono } from 'hono';
import { describe, vi } from 'vitest';
import { echoHandler } from '../../examples/echo.js';
import { attach } from '../../src/index.js';
import { attachSpecs, ECHO_PATH } from './frameworks.js';
import { listenForSpec, track } from './support.js';

describe("attach on Hono's node server", () => {
  attachSpecs('Hono', 'a first middleware', async (guard) => {
    // The adapter reports on console.error, e.g. an answer written twice (a middleware that
    // answered without returning RESPONSE_ALREADY_SENT).
    const consoleError = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    track({ close: () => consoleError.mockRestore() });
    const app = new Hono<{ Bindings: HttpBindings }>();
    const server = createAdaptorServer({ fetch: app.fetch });
    const rodeo = track(attach(server, { routes: { [ECHO_PATH]: echoHandler() } }));
    if (guard) {
      app.use(async (c, next) => {
        if (rodeo.requireUpgrade(c.env.incoming, c.env.outgoing)) return RESPONSE_ALREADY_SENT;
        return next();
      });
    }
    app.get('/health', (c) => c.json({ ok: true }));
    // Given no TLS or HTTP/2 options, the adapter's server is a node:http one.
    const base = `127.0.0.1:${await listenForSpec(server as Server)}`;
    return { base, rodeo, reported: () => consoleError.mock.calls };
  });
});
