/**
 * rodeo/redis: the registry that spans processes and machines on Redis. Its own entry point, so an
 * application that never scales out never loads a Redis client.
 *
 * @module rodeo/redis
 */
export { RedisRegistry } from './redisRegistry.js';
export type { RedisRegistryOptions } from './options.js';
export { jsonCodec, v8Codec } from './codec.js';
export type { InfoCodec } from './codec.js';
export type { LinkMetrics as RedisRegistryMetrics } from './link.js';
