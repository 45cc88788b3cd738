import type { Settings as Http2Settings } from 'node:http2';
import type { TlsOptions } from 'node:tls';
import { RodeoError } from '../handler/errors.js';
import { checkDuration, checkSize } from '../operators/plan.js';
import {
  DEFAULT_INIT_TIMEOUT,
  DEFAULT_MAX_QUEUE_BYTES,
  DEFAULT_SHUTDOWN_TIMEOUT,
} from './limits.js';
import { silentLogger, type Logger } from './logger.js';
import type { Metrics } from './metrics.js';
import { LocalRegistry, nextConnectionId, type Registry } from './registry.js';
import { compileRoutes, type Routes } from './routes.js';
import type { ServerContext } from './serverContext.js';
import { createMetrics } from './metrics.js';
import { createTracker } from './shutdown.js';
import { createWsServerPool } from './ws/wsServers.js';

/** Options shared by `serve` and `attach`. */
export interface ServerOptions {
  /** Path patterns (`/echo`, `/rooms/:room`) to handlers. */
  readonly routes: Routes;
  /** Names and groups (default: a new `LocalRegistry`). */
  readonly registry?: Registry;
  /** Any pino-style logger (default: silent). */
  readonly logger?: Logger;
  /**
   * Bytes a connection may have waiting to be written (default 4 MiB). A frame that would pass it
   * ends the connection with `backpressure` (1008).
   */
  readonly maxQueueBytes?: number;
  /**
   * Most fragments one message may have (default: `max(16384, maxFrameSize / 64)` per connection,
   * so fragments of 64 bytes or more always reach `maxFrameSize` first). Past it: `badsize` (1009).
   */
  readonly maxFragments?: number;
  /** Milliseconds to wait for peers' close replies on `close()` before destroying (default 5000). */
  readonly shutdownTimeout?: number;
  /**
   * Milliseconds an asynchronous `init` may take (default 10 000; `Infinity` waits forever). Past
   * it the peer gets 503, `terminate` gets `crash` from `init` (`RODEO_ERR_INIT_TIMEOUT`), and
   * whatever `init` answers later is ignored.
   */
  readonly initTimeout?: number;
}

/** `ServerOptions` plus where to listen. */
export interface ServeOptions extends ServerOptions {
  /** Port to listen on (default 0: any free port). */
  readonly port?: number;
  /** Host to bind (default `127.0.0.1`). */
  readonly host?: string;
  /**
   * Milliseconds a client has to send a complete request's headers, upgrade or not (default
   * 10 000): past it Node answers 408 and closes. With `tls` it also bounds the TLS handshake, and
   * over HTTP/2 how long a connection may stay without any open stream. (With `attach`, set your
   * server's `headersTimeout` and `requestTimeout` yourself.)
   */
  readonly handshakeTimeout?: number;
  /**
   * Serve HTTPS and WSS: Node's TLS options (`key` and `cert`, or `pfx`; `ca`, `passphrase`, …).
   * Without it `serve` speaks plain HTTP/1.1.
   */
  readonly tls?: TlsOptions;
  /**
   * With `tls`: serve HTTP/2 and HTTP/1.1 on the same port, chosen per connection by ALPN, with
   * WebSockets over both (RFC 8441 over HTTP/2). Default `true`: browsers carry a WebSocket over
   * HTTP/2 only when the page's own connection speaks it, and ALPN keeps every HTTP/1.1-only client
   * working, so it costs nothing to clients that do not use it. `false`: HTTPS over HTTP/1.1 only.
   * An object gives HTTP/2 settings (`maxConcurrentStreams` defaults to 100 WebSockets and
   * requests per connection; `enableConnectProtocol` is always on). Needs `tls`: browsers speak
   * HTTP/2 only over TLS.
   */
  readonly http2?: boolean | { readonly settings?: Http2Settings };
}

/** A server's or attachment's shared state, from checked options. */
export interface ServerRuntime {
  readonly context: ServerContext;
  readonly registry: Registry;
  readonly metrics: Metrics;
  readonly shutdownTimeout: number;
}

/** Checks options (throwing `RODEO_ERR_INVALID_OPTION`) and builds the shared state. */
export function createRuntime(options: ServerOptions): ServerRuntime {
  if (typeof options !== 'object' || options === null) {
    throw new RodeoError('RODEO_ERR_INVALID_OPTION', 'options must be an object');
  }
  const code = 'RODEO_ERR_INVALID_OPTION';
  const maxQueueBytes = checkSize(
    code,
    'maxQueueBytes',
    options.maxQueueBytes ?? DEFAULT_MAX_QUEUE_BYTES,
  );
  const maxFragments =
    options.maxFragments === undefined
      ? undefined
      : checkSize(code, 'maxFragments', options.maxFragments);
  const shutdownTimeout = checkDuration(
    code,
    'shutdownTimeout',
    options.shutdownTimeout ?? DEFAULT_SHUTDOWN_TIMEOUT,
  );
  const initTimeout = checkDuration(
    code,
    'initTimeout',
    options.initTimeout ?? DEFAULT_INIT_TIMEOUT,
  );
  const registry = options.registry ?? new LocalRegistry();
  const metrics = createMetrics();
  const context: ServerContext = {
    routes: compileRoutes(options.routes),
    registry,
    connectionId: registry.connectionId?.bind(registry) ?? nextConnectionId,
    logger: options.logger ?? silentLogger,
    metrics,
    // ws's own close timer (peer does not answer a close frame) uses the same bound.
    pool: createWsServerPool(Number.isFinite(shutdownTimeout) ? shutdownTimeout : 2 ** 31 - 1),
    tracker: createTracker(),
    maxQueueBytes,
    maxFragments,
    initTimeout,
  };
  return { context, registry, metrics, shutdownTimeout };
}

/** Stops accepting, shuts every connection down, then releases the ws servers. */
export async function closeRuntime(runtime: ServerRuntime): Promise<void> {
  await runtime.context.tracker.close(runtime.shutdownTimeout);
  runtime.context.pool.close();
}
