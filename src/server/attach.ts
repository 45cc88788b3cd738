import type { IncomingMessage, Server } from 'node:http';
import type { Server as HttpsServer } from 'node:https';
import type { Duplex } from 'node:stream';
import { Http1Exchange } from './http1Exchange.js';
import { takeHttp2Streams } from './http2Streams.js';
import type { Metrics } from './metrics.js';
import type { AnyHttp2Server } from './nodeServers.js';
import type { ServerOptions } from './options.js';
import { closeRuntime, createRuntime } from './runtime.js';
import { answerPlainRequest, type RequireUpgrade } from './plainRequest.js';
import type { Registry } from './registry.js';
import { handleUpgrade } from './upgrade.js';

/** rodeo attached to an existing HTTP server: what {@link attach} returns. */
export interface RodeoAttachment {
  /** The registry the attachment's connections use (the one given in the options, or its own). */
  readonly registry: Registry;
  /** Live counters of the attachment's connections. */
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
   * Stops taking upgrades and shuts rodeo's connections down (1001, `terminate` with `shutdown`),
   * as {@link RodeoServer.close} does; resolves once every socket is closed (or destroyed after
   * `shutdownTimeout`). The HTTP server keeps running; its other listeners get the upgrades (and
   * CONNECTs) from then on.
   */
  close(): Promise<void>;
}

/**
 * The servers {@link attach} takes: `node:http`, `node:https`, and `node:http2` (secure or not).
 */
export type AttachableServer = Server | HttpsServer | AnyHttp2Server;

/**
 * Adds rodeo to an existing `node:http` or `node:https` server (plain, Express, Fastify, Hono's node
 * server) through its `upgrade` event only: plain requests are untouched (see `requireUpgrade` for
 * answering them on rodeo's routes). Upgrades to paths without a route are answered 404 — unless
 * another `upgrade` listener is registered (Socket.IO, another ws server), which is then left to
 * answer them.
 *
 * A `node:http2` server (`createSecureServer({ allowHTTP1: true })` serves both versions on one
 * port) also gets WebSockets over HTTP/2: rodeo turns on extended CONNECT in its settings and takes
 * the CONNECT streams on its routes (RFC 8441); its HTTP/1.1 upgrades come through `upgrade` as
 * above.
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
export function attach(server: AttachableServer, options: ServerOptions): RodeoAttachment {
  const runtime = createRuntime(options);
  const routes = runtime.context.routes;
  let attached = true;
  const emitter = server as Server;
  const othersListen = (): boolean => emitter.listenerCount('upgrade') > 1;
  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer): void =>
    void handleUpgrade(runtime.context, new Http1Exchange(req, socket, head), othersListen);
  emitter.on('upgrade', onUpgrade);
  const detachHttp2 = isHttp2(server) ? takeHttp2Streams(server, runtime.context) : undefined;
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
      emitter.off('upgrade', onUpgrade);
      detachHttp2?.();
      return closeRuntime(runtime);
    },
  };
}

function isHttp2(server: AttachableServer): server is AnyHttp2Server {
  return typeof (server as Partial<AnyHttp2Server>).updateSettings === 'function';
}
