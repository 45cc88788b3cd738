/**
 * {@link RedisRegistry}, the registry that spans processes and machines on one Redis: names,
 * groups, `send`, `publish` and `broadcast` reach connections on every node, in place of the
 * default {@link rodeo!LocalRegistry | LocalRegistry}. Infos that cross nodes are encoded by an
 * {@link InfoCodec} ({@link jsonCodec} by default, or {@link v8Codec}). Its own entry point, so
 * an application that never scales out never loads a Redis client (`redis` is an optional peer
 * dependency).
 *
 * ```ts
 * const registry = await RedisRegistry.connect({ url: process.env.REDIS_URL });
 * const server = await serve({ port: 8080, registry, routes });
 * ```
 *
 * @module rodeo/redis
 */
export { RedisRegistry } from './redisRegistry.js';
export type { RedisRegistryOptions } from './options.js';
export { jsonCodec, v8Codec } from './codec.js';
export type { InfoCodec } from './codec.js';
export type { LinkMetrics as RedisRegistryMetrics } from './link.js';
