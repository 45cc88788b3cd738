/**
 * Server-wide limits and their defaults (see docs/guides/keepalive-and-limits.md), and how a
 * message size limit maps onto ws's own limits.
 */

/**
 * Default {@link ServerOptions.maxQueueBytes}: 4 MiB per connection waiting to be written, past
 * which a peer that does not read is closed (`backpressure`, 1008).
 */
export const DEFAULT_MAX_QUEUE_BYTES = 4 * 1024 * 1024;

/**
 * Default {@link ServerOptions.shutdownTimeout}: 5000 ms given to peers to answer a close frame
 * on shutdown (and after any server close) before their sockets are destroyed.
 */
export const DEFAULT_SHUTDOWN_TIMEOUT = 5_000;

/** Default {@link ServerOptions.initTimeout}: 10 000 ms for `init` before the upgrade gets 503. */
export const DEFAULT_INIT_TIMEOUT = 10_000;

/**
 * Default {@link ServeOptions.handshakeTimeout}: 10 000 ms for a client to send its request's
 * headers (and finish TLS) before `serve` answers 408 or drops it.
 */
export const DEFAULT_HANDSHAKE_TIMEOUT = 10_000;

/**
 * The default most streams (WebSockets and requests) open at once on one HTTP/2 connection of
 * `serve`: 100, Cowboy's (set `http2: { settings: { maxConcurrentStreams } }` to change it).
 */
export const DEFAULT_MAX_CONCURRENT_STREAMS = 100;

/**
 * The smallest fragment payload that may count toward a full-size message. With the fragment
 * limit derived from it, a message made of fragments of at least 64 bytes always reaches
 * `maxFrameSize` before the fragment limit (Autobahn 9.3/9.4 use 64-byte fragments and up), while
 * a flood of 1-byte fragments is cut off after `maxFrameSize / 64` of them. Each buffered fragment
 * costs ws about 110 bytes of heap (a Buffer view into the socket's chunk), so that flood holds
 * under 2× `maxFrameSize` of heap. Measured (`npx tsx spec/server/measure/fragmentFlood.ts`):
 *
 * | maxFrameSize | fragments held | heap     | RSS          | next fragment |
 * |--------------|----------------|----------|--------------|---------------|
 * | 1 MiB        | 16 384         | +1.9 MiB | +4.4–5.1 MiB | 1009          |
 * | 16 MiB       | 262 144        | +27 MiB  | +52–54 MiB   | 1009          |
 *
 * Without a fragment limit, 16 MiB sent as 1-byte fragments would hold about 16 Mi × 110 B ≈ 1.8 GiB.
 * An unlimited `maxFrameSize` (`Infinity`) also lifts the fragment limit: that is the user's choice.
 */
export const MIN_FRAGMENT_BYTES = 64;

/** ws's own floor (its default of 16 384 fragments) for small `maxFrameSize` values. */
const MIN_FRAGMENTS = 16 * 1024;

/**
 * The fragment limit for a message size limit (unless the server sets
 * {@link ServerOptions.maxFragments}): `max(16384, ceil(maxFrameSize / 64))`, or 0 (no limit) for
 * an unlimited `maxFrameSize`. A message with more fragments ends with `error badsize` (1009).
 */
export function fragmentLimit(maxFrameSize: number): number {
  if (!Number.isFinite(maxFrameSize)) return 0; // 0: unlimited, as in ws
  return Math.max(MIN_FRAGMENTS, Math.ceil(maxFrameSize / MIN_FRAGMENT_BYTES));
}

/**
 * The most bytes a compressed message of `maxFrameSize` bytes can take on the wire. ws checks its
 * `maxPayload` against the wire size of a message, but incompressible data grows a little when
 * deflated, so a message of exactly `maxFrameSize` bytes may need more. This is zlib's
 * `deflateBound` for raw deflate; the exact limit is then applied after inflation (and, for
 * uncompressed messages, on arrival by `socketEvents`).
 */
export function compressedBound(maxFrameSize: number): number {
  if (!Number.isFinite(maxFrameSize)) return maxFrameSize;
  return maxFrameSize + (maxFrameSize >> 12) + (maxFrameSize >> 14) + (maxFrameSize >> 25) + 13;
}

/** ws takes sizes as 32-bit integers (`| 0`): clamp "unlimited" to its "no limit" value 0. */
export function wsSize(bytes: number): number {
  return Number.isFinite(bytes) && bytes < 2 ** 31 ? bytes : 0;
}

/**
 * ws's limits (see `setMessageLimits`) for a message size limit: with deflate, a full-size message
 * may be a little larger on the wire than inflated; `maxFragments` is the server's fixed fragment
 * limit, if it has one.
 */
export function wsMessageLimits(
  maxFrameSize: number,
  compress: boolean,
  maxFragments: number | undefined,
): { readonly wirePayload: number; readonly message: number; readonly fragments: number } {
  return {
    wirePayload: wsSize(compress ? compressedBound(maxFrameSize) : maxFrameSize),
    message: wsSize(maxFrameSize),
    fragments: wsSize(maxFragments ?? fragmentLimit(maxFrameSize)),
  };
}
