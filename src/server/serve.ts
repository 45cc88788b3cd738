import { createServer, type Server } from 'node:http';
import type { Http2SecureServer } from 'node:http2';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { TlsOptions } from 'node:tls';
import { RodeoError } from '../handler/errors.js';
import { MAX_TIMER_DELAY } from '../operators/idleClock.js';
import { checkDuration } from '../operators/plan.js';
import { http2Server } from './http2Serve.js';
import {
  checkingInterval,
  closeHttp1,
  plainRequests,
  serveHttp1,
  type Served,
} from './httpServing.js';
import { DEFAULT_HANDSHAKE_TIMEOUT } from './limits.js';
import type { Metrics } from './metrics.js';
import type { ServeOptions } from './options.js';
import { createRuntime, type ServerRuntime } from './runtime.js';
import type { Registry } from './registry.js';

/**
 * The Node server behind {@link serve}: HTTP, HTTPS, or HTTP/2 with HTTP/1.1 (`tls` and `http2`).
 */
export type ServedServer = Server | HttpsServer | Http2SecureServer;

/** A running rodeo server: what {@link serve} resolves to. */
export interface RodeoServer {
  /**
   * `http://HOST:PORT` of the bound address, `https://…` with `tls` (clients use `ws://` or
   * `wss://`).
   */
  readonly url: string;
  /** The port it listens on: the one asked for, or the one the system chose for port 0. */
  readonly port: number;
  /** `http.Server`; with `tls`, an `Http2SecureServer` (or an `https.Server` with `http2: false`). */
  readonly httpServer: ServedServer;
  /**
   * The registry the server's connections use ({@link ServerOptions.registry}, or its own
   * {@link LocalRegistry}): how the rest of the application finds and messages them.
   */
  readonly registry: Registry;
  /** Live counters of the server's connections. */
  readonly metrics: Metrics;
  /**
   * Stops accepting, answers upgrades still waiting for `init` with 503, closes every connection
   * with 1001 after what its handler returned, waits up to `shutdownTimeout` for the peers'
   * replies and destroys the rest (then GOAWAY to HTTP/2 connections), runs every `terminate`,
   * then closes the server. Calling it again returns the same promise.
   */
  close(): Promise<void>;
}

/**
 * Starts a server that serves only WebSocket routes: a plain request on a route gets 426
 * (`Upgrade: websocket`; 400 over HTTP/2), any other plain request 404. With `tls` it serves
 * HTTPS and WSS, by default HTTP/2 and HTTP/1.1 on the same port.
 *
 * ```ts
 * const server = await serve({ port: 8080, routes: { '/echo': echo } });
 * const secure = await serve({ port: 8443, tls: { key, cert }, routes: { '/echo': echo } });
 * ```
 *
 * @param options Routes, server options, port (default 0), host (default 127.0.0.1), TLS.
 * @return The running server, once it listens.
 */
export async function serve(options: ServeOptions): Promise<RodeoServer> {
  const runtime = createRuntime(options);
  const handshakeTimeout = checkDuration(
    'RODEO_ERR_INVALID_OPTION',
    'handshakeTimeout',
    options.handshakeTimeout ?? DEFAULT_HANDSHAKE_TIMEOUT,
  );
  const served = createServed(runtime, options, handshakeTimeout);
  const httpServer = served.server;
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
    url: `${served.scheme}://${host.includes(':') ? `[${host}]` : host}:${port}`,
    port,
    httpServer,
    registry: runtime.registry,
    metrics: runtime.metrics,
    close: () => (closing ??= served.close()),
  };
}

function createServed(
  runtime: ServerRuntime,
  options: ServeOptions,
  handshakeTimeout: number,
): Served<ServedServer> {
  const tls = options.tls;
  if (tls === undefined) {
    if (options.http2 !== undefined && options.http2 !== false) {
      throw new RodeoError(
        'RODEO_ERR_INVALID_OPTION',
        'http2 needs tls: browsers speak HTTP/2 only over TLS',
      );
    }
    const server = createServer(
      { connectionsCheckingInterval: checkingInterval(handshakeTimeout) },
      plainRequests(runtime),
    );
    return http1Served(runtime, server, handshakeTimeout, 'http');
  }
  if (options.http2 === false) {
    const server = createHttpsServer(
      {
        handshakeTimeout: Math.min(handshakeTimeout, MAX_TIMER_DELAY),
        ...tls,
        connectionsCheckingInterval: checkingInterval(handshakeTimeout),
      } as TlsOptions,
      plainRequests(runtime),
    );
    return http1Served(runtime, server, handshakeTimeout, 'https');
  }
  return http2Server(runtime, { ...options, tls }, handshakeTimeout);
}

function http1Served<S extends Server | HttpsServer>(
  runtime: ServerRuntime,
  server: S,
  handshakeTimeout: number,
  scheme: 'http' | 'https',
): Served<S> {
  serveHttp1(server as Server, runtime, handshakeTimeout);
  return { server, scheme, close: () => closeHttp1(runtime, server as Server) };
}
