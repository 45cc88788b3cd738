import { RodeoError } from '../handler/errors.js';
import { asyncScheduler } from 'rxjs';
import { checkDuration, checkSize } from '../operators/plan.js';
import { WakeQueue } from '../operators/wakeQueue.js';
import {
  DEFAULT_INIT_TIMEOUT,
  DEFAULT_MAX_QUEUE_BYTES,
  DEFAULT_SHUTDOWN_TIMEOUT,
} from './limits.js';
import { silentLogger } from './logger.js';
import type { Metrics } from './metrics.js';
import { LocalRegistry, nextConnectionId, type Registry } from './registry.js';
import { compileRoutes } from './routes.js';
import type { ServerOptions } from './options.js';
import type { ServerContext } from './serverContext.js';
import { createMetrics } from './metrics.js';
import { createTracker } from './shutdown.js';
import { createWsServerPool } from './ws/wsServers.js';

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
    wakeQueue: new WakeQueue(asyncScheduler),
  };
  return { context, registry, metrics, shutdownTimeout };
}

/** Stops accepting, shuts every connection down, then releases the ws servers. */
export async function closeRuntime(runtime: ServerRuntime): Promise<void> {
  await runtime.context.tracker.close(runtime.shutdownTimeout);
  runtime.context.pool.close();
}
