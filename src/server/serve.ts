import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { MAX_TIMER_DELAY } from '../operators/idleClock.js';
import { checkDuration } from '../operators/plan.js';
import { DEFAULT_HANDSHAKE_TIMEOUT } from './limits.js';
import type { Metrics } from './metrics.js';
import { closeRuntime, createRuntime, type ServeOptions, type ServerRuntime } from './options.js';
import { answerPlainRequest } from './plainRequest.js';
import type { Registry } from './registry.js';
import { handleUpgrade } from './upgrade.js';

/** A running rodeo server. */
export interface RodeoServer {
  /** `http://HOST:PORT` of the bound address (use `ws://` for clients). */
  readonly url: string;
  readonly port: number;
  readonly httpServer: Server;
  readonly registry: Registry;
  readonly metrics: Metrics;
  /** Stops accepting, closes every connection with 1001 after flushing, then closes the server. */
  close(): Promise<void>;
}

/**
 * Starts an HTTP server that serves only WebSocket routes: a plain request on a route gets 426
 * (`Upgrade: websocket`), any other plain request 404.
 *
 * ```ts
 * const server = await serve({ port: 8080, routes: { '/echo': echo } });
 * ```
 *
 * @param options Routes, server options, port (default 0) and host (default 127.0.0.1).
 * @return The running server, once it listens.
 */
export async function serve(options: ServeOptions): Promise<RodeoServer> {
  const runtime = createRuntime(options);
  const handshakeTimeout = checkDuration(
    'RODEO_ERR_INVALID_OPTION',
    'handshakeTimeout',
    options.handshakeTimeout ?? DEFAULT_HANDSHAKE_TIMEOUT,
  );
  const routes = runtime.context.routes;
  const httpServer = createServer(
    // Node checks its header and request timeouts on this interval: keep the overshoot small.
    { connectionsCheckingInterval: Math.min(1000, Math.max(50, handshakeTimeout / 4)) },
    (req, res) => {
      if (!answerPlainRequest(routes, req, res)) {
        res.writeHead(404, { 'Content-Type': 'text/plain' }).end('Not Found');
      }
    },
  );
  // Node's defaults (60 s for headers, 5 min for a request) let a slow client hold a socket long.
  httpServer.headersTimeout = Math.min(handshakeTimeout, MAX_TIMER_DELAY);
  httpServer.requestTimeout = Math.min(handshakeTimeout, MAX_TIMER_DELAY);
  httpServer.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    void handleUpgrade(runtime.context, req, socket, head);
  });
  // A malformed request line must not throw; Node answers 400 when this listener ends the socket.
  // A slow client's request past handshakeTimeout gets 408, as Node's own handler would answer.
  httpServer.on('clientError', (err: Error & { code?: string }, socket: Duplex) => {
    if (!socket.writable) return void socket.destroy();
    const status =
      err.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? '408 Request Timeout' : '400 Bad Request';
    socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\n\r\n`);
  });
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(options.port ?? 0, host, () => {
      httpServer.off('error', reject);
      resolve();
    });
  });
  const port = (httpServer.address() as AddressInfo).port;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    port,
    httpServer,
    registry: runtime.registry,
    metrics: runtime.metrics,
    close: () => (closing ??= closeAll(runtime, httpServer)),
  };
}

async function closeAll(runtime: ServerRuntime, httpServer: Server): Promise<void> {
  const stopped = new Promise<void>((resolve) => httpServer.close(() => resolve()));
  httpServer.closeIdleConnections();
  await closeRuntime(runtime);
  httpServer.closeAllConnections();
  await stopped;
}
