import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Metrics } from './metrics.js';
import { closeRuntime, createRuntime, type ServerOptions } from './options.js';
import type { Registry } from './registry.js';
import { handleUpgrade } from './upgrade.js';

/** rodeo attached to an existing HTTP server. */
export interface RodeoAttachment {
  readonly registry: Registry;
  readonly metrics: Metrics;
  /**
   * Stops taking upgrades and shuts rodeo's connections down (1001); the HTTP server keeps
   * running.
   */
  close(): Promise<void>;
}

/**
 * Adds rodeo to an existing `node:http` server (plain, Express, Fastify, Hono's node server) through
 * its `upgrade` event only: plain requests are untouched. Upgrades to paths without a route are
 * answered 404 — unless another `upgrade` listener is registered (Socket.IO, another ws server),
 * which is then left to answer them.
 *
 * ```ts
 * const app = express();
 * const server = app.listen(8080);
 * const rodeo = attach(server, { routes: { '/echo': echo } });
 * ```
 *
 * @param server The HTTP server.
 * @param options Routes and server options.
 * @return The attachment's registry, metrics and `close()`.
 */
export function attach(server: Server, options: ServerOptions): RodeoAttachment {
  const runtime = createRuntime(options);
  const othersListen = (): boolean => server.listenerCount('upgrade') > 1;
  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer): void =>
    void handleUpgrade(runtime.context, req, socket, head, othersListen);
  server.on('upgrade', onUpgrade);
  return {
    registry: runtime.registry,
    metrics: runtime.metrics,
    close: () => {
      server.off('upgrade', onUpgrade);
      return closeRuntime(runtime);
    },
  };
}
