import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Metrics } from './metrics.js';
import { closeRuntime, createRuntime, type ServerOptions } from './options.js';
import { answerPlainRequest, type RequireUpgrade } from './plainRequest.js';
import type { Registry } from './registry.js';
import { handleUpgrade } from './upgrade.js';

/** rodeo attached to an existing HTTP server. */
export interface RodeoAttachment {
  readonly registry: Registry;
  readonly metrics: Metrics;
  /**
   * Answers a plain (not upgraded) request on one of rodeo's routes as `serve` does — 426 with
   * `Upgrade: websocket`, or 400 for a malformed handshake — and returns `true`; for any other
   * path it calls `next()` if given and returns `false`. `attach` only sees upgrades, so without it
   * a plain request on a WebSocket route gets whatever your server answers (often 404). Bound, so
   * it can be passed as it is: `app.use(rodeo.requireUpgrade)`, or first thing in a `node:http`
   * listener: `if (rodeo.requireUpgrade(req, res)) return;`. After `close()` it answers nothing.
   */
  readonly requireUpgrade: RequireUpgrade;
  /**
   * Stops taking upgrades and shuts rodeo's connections down (1001); the HTTP server keeps
   * running.
   */
  close(): Promise<void>;
}

/**
 * Adds rodeo to an existing `node:http` server (plain, Express, Fastify, Hono's node server) through
 * its `upgrade` event only: plain requests are untouched (see `requireUpgrade` for answering them
 * on rodeo's routes). Upgrades to paths without a route are answered 404 — unless another `upgrade`
 * listener is registered (Socket.IO, another ws server), which is then left to answer them.
 *
 * ```ts
 * const app = express();
 * const server = app.listen(8080);
 * const rodeo = attach(server, { routes: { '/echo': echo } });
 * app.use(rodeo.requireUpgrade); // GET /echo without an upgrade → 426
 * ```
 *
 * @param server The HTTP server.
 * @param options Routes and server options.
 * @return The attachment's registry, metrics, `requireUpgrade` and `close()`.
 */
export function attach(server: Server, options: ServerOptions): RodeoAttachment {
  const runtime = createRuntime(options);
  const routes = runtime.context.routes;
  let attached = true;
  const othersListen = (): boolean => server.listenerCount('upgrade') > 1;
  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer): void =>
    void handleUpgrade(runtime.context, req, socket, head, othersListen);
  server.on('upgrade', onUpgrade);
  return {
    registry: runtime.registry,
    metrics: runtime.metrics,
    requireUpgrade: (req, res, next) => {
      if (attached && answerPlainRequest(routes, req, res)) return true;
      next?.();
      return false;
    },
    close: () => {
      attached = false;
      server.off('upgrade', onUpgrade);
      return closeRuntime(runtime);
    },
  };
}
