import {
  LocalRegistry,
  serve,
  type RodeoServer,
  type TerminateReason,
  type UpgradeOptions,
} from 'rodeo';
import { feedHandler } from './feed.js';

/** Where the feed listens, and what tests may change. */
export interface FeedServerOptions {
  readonly port?: number;
  readonly host?: string;
  readonly limits?: UpgradeOptions;
  readonly maxConnections?: number;
  readonly onEnd?: (reason: TerminateReason) => void;
}

/** The feed on a server open to the Internet: every server-wide bound set on purpose. */
export async function startFeedServer(options: FeedServerOptions = {}): Promise<RodeoServer> {
  const registry = new LocalRegistry();
  const server = await serve({
    port: options.port ?? 8080,
    host: options.host ?? '0.0.0.0',
    registry,
    routes: { '/feed': feedHandler({ registry, ...options }) },
    maxQueueBytes: 1024 * 1024, // a reader that falls 1 MiB behind: close 1008
    initTimeout: 5_000, // an async init slower than 5 s: HTTP 503
    handshakeTimeout: 5_000, // request headers not complete within 5 s: HTTP 408
    shutdownTimeout: 5_000, // close(): how long peers get to answer 1001
  });
  // TCP connections at once; more are dropped before any HTTP is read.
  server.httpServer.maxConnections = options.maxConnections ?? 10_000;
  return server;
}
