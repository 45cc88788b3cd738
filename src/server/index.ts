/** rodeo's Node server: serving, attaching, the registry, metrics and `init` helpers. */
export { attach } from './attach.js';
export type { RodeoAttachment } from './attach.js';
export type { Logger, LogFn } from './logger.js';
export {
  DEFAULT_MAX_FRAME_SIZE,
  DEFAULT_MAX_QUEUE_BYTES,
  DEFAULT_SHUTDOWN_TIMEOUT,
  fragmentLimit,
} from './limits.js';
export type { Metrics, MetricsSnapshot, TerminatedCounts } from './metrics.js';
export { allowOrigins, chooseProtocol } from './negotiate.js';
export type { ServeOptions, ServerOptions } from './options.js';
export { LocalRegistry } from './registry.js';
export type { LocalRegistryOptions, RefEndListener, Registry } from './registry.js';
export type { Routes } from './routes.js';
export { serve } from './serve.js';
export type { RodeoServer } from './serve.js';
