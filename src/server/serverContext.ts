import type { WakeQueue } from '../operators/wakeQueue.js';
import type { Logger } from './logger.js';
import type { MetricsRecorder } from './metrics.js';
import type { Registry } from './registry.js';
import type { RouteTable } from './routes.js';
import type { ConnectionTracker } from './shutdown.js';
import type { WsServerPool } from './ws/wsServers.js';

/** What every upgrade and connection of one server (or attachment) shares. */
export interface ServerContext {
  readonly routes: RouteTable;
  readonly registry: Registry;
  /** Gives each new connection's ref its id (the registry's, or the process-wide sequence). */
  readonly connectionId: () => string;
  readonly logger: Logger;
  readonly metrics: MetricsRecorder;
  readonly pool: WsServerPool;
  readonly tracker: ConnectionTracker;
  readonly maxQueueBytes: number;
  /** The fixed fragment limit, or `undefined` to derive it from each `maxFrameSize`. */
  readonly maxFragments: number | undefined;
  /** Milliseconds an asynchronous `init` may take. */
  readonly initTimeout: number;
  /** Where every connection's idle clock waits: one timer for the whole server. */
  readonly wakeQueue: WakeQueue;
}
