import { RodeoError } from '../handler/errors.js';
import { checkDuration, checkSize } from '../operators/plan.js';
import { silentLogger, type Logger } from '../server/logger.js';
import { jsonCodec, type InfoCodec } from './codec.js';

/** Options of `RedisRegistry.connect`. */
export interface RedisRegistryOptions {
  /** Where Redis is (default `redis://127.0.0.1:6379`). */
  readonly url?: string;
  /** Prefix of every key and channel, so that several clusters can share one Redis (default `rodeo`). */
  readonly prefix?: string;
  /** How info crosses nodes (default `jsonCodec`). */
  readonly codec?: InfoCodec;
  /** Any pino-style logger (default: silent): outages, malformed messages, names lost. */
  readonly logger?: Logger;
  /** Milliseconds between heartbeats (default 1000). */
  readonly heartbeatInterval?: number;
  /**
   * Milliseconds a heartbeat keeps this node alive in the others' eyes (default 3000, at least
   * twice `heartbeatInterval`). A node that stops is dropped by the others within
   * `lease + heartbeatInterval`.
   */
  readonly lease?: number;
  /**
   * Bytes handed to Redis and not yet acknowledged past which cross-node messages are dropped and
   * counted (default 16 MiB): a slow Redis costs bounded memory, never an unbounded queue.
   */
  readonly maxPendingBytes?: number;
  /** Milliseconds `connect` waits for Redis before failing (default 10 000). */
  readonly connectTimeout?: number;
}

/** Checked options with their defaults. */
export type ResolvedOptions = Required<RedisRegistryOptions>;

const CODE = 'RODEO_ERR_INVALID_OPTION';

/** Checks options (throwing `RODEO_ERR_INVALID_OPTION`) and fills in the defaults. */
export function resolveOptions(options: RedisRegistryOptions): ResolvedOptions {
  const heartbeatInterval = checkDuration(
    CODE,
    'heartbeatInterval',
    options.heartbeatInterval ?? 1000,
  );
  const lease = checkDuration(CODE, 'lease', options.lease ?? 3000);
  if (!Number.isFinite(lease) || lease < 2 * heartbeatInterval) {
    throw new RodeoError(CODE, 'lease must be finite and at least twice heartbeatInterval');
  }
  const prefix = options.prefix ?? 'rodeo';
  if (typeof prefix !== 'string' || prefix === '')
    throw new RodeoError(CODE, 'prefix must be a non-empty string');
  const codec = options.codec ?? jsonCodec;
  if (typeof codec?.encode !== 'function' || typeof codec.decode !== 'function') {
    throw new RodeoError(CODE, 'codec must have encode and decode');
  }
  return {
    url: options.url ?? 'redis://127.0.0.1:6379',
    prefix,
    codec,
    logger: options.logger ?? silentLogger,
    heartbeatInterval,
    lease,
    maxPendingBytes: checkSize(
      CODE,
      'maxPendingBytes',
      options.maxPendingBytes ?? 16 * 1024 * 1024,
    ),
    connectTimeout: checkDuration(CODE, 'connectTimeout', options.connectTimeout ?? 10_000),
  };
}
