/**
 * A token bucket as plain values: `rate` tokens a second flow in, at most `burst` are kept, each
 * message takes one. Pure functions of the bucket and the time, so a handler keeps its bucket in
 * its state and a test drives the clock.
 */

/** How fast tokens come back and how many may be saved up. */
export interface RateLimit {
  /** Tokens per second, > 0. */
  readonly rate: number;
  /** Most tokens held at once (the largest burst), ≥ 1. */
  readonly burst: number;
}

/** Tokens left, counted at `at` (milliseconds on the caller's monotonic clock). */
export interface Bucket {
  readonly tokens: number;
  readonly at: number;
}

/** What `take` decided. */
export interface Taken {
  /** Whether a token was there (and was taken). */
  readonly allowed: boolean;
  readonly bucket: Bucket;
}

/** A full bucket at `now`. */
export function fullBucket(limit: RateLimit, now: number): Bucket {
  return { tokens: limit.burst, at: now };
}

/**
 * Takes one token if one is there. Refills for the time since the bucket was last counted (never
 * for time running backwards), capped at `burst`.
 *
 * @param bucket The bucket as last returned.
 * @param limit Rate and burst.
 * @param now The current time on the same clock as `bucket.at`.
 * @return Whether the token was taken, and the bucket to keep.
 */
export function take(bucket: Bucket, limit: RateLimit, now: number): Taken {
  // A clock that went back counts from where it was, so no interval is refilled twice.
  const at = Math.max(now, bucket.at);
  const tokens = Math.min(limit.burst, bucket.tokens + ((at - bucket.at) * limit.rate) / 1000);
  return tokens >= 1
    ? { allowed: true, bucket: { tokens: tokens - 1, at } }
    : { allowed: false, bucket: { tokens, at } };
}
