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
   * 10 000): past it Node answers 408 and closes. (With `attach`, set your server's
   * `headersTimeout` and `requestTimeout` yourself.)
   */
  readonly handshakeTimeout?: number;
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
