import { describe, expect, it } from 'vitest';
import { fullBucket, take, type Bucket, type RateLimit } from '../../examples/tokenBucket.js';

const limit: RateLimit = { rate: 5, burst: 3 };

/** Takes a token at each of `times`, keeping the bucket; what each take allowed. */
function takes(times: readonly number[], start: Bucket = fullBucket(limit, 0)): boolean[] {
  let bucket = start;
  return times.map((now) => {
    const taken = take(bucket, limit, now);
    bucket = taken.bucket;
    return taken.allowed;
  });
}

describe('token bucket', () => {
  it('allows a burst of `burst`, then refuses until time has passed', () => {
    expect(takes([0, 0, 0, 0, 0])).toEqual([true, true, true, false, false]);
  });

  it('gives one token back every 1000 / rate ms', () => {
    expect(takes([0, 0, 0, 199, 200, 200, 400])).toEqual([
      true,
      true,
      true,
      false,
      true,
      false,
      true,
    ]);
  });

  it('saves up no more than `burst`', () => {
    expect(takes([0, 0, 0, 60_000, 60_000, 60_000, 60_000])).toEqual([
      true,
      true,
      true,
      true,
      true,
      true,
      false,
    ]);
  });

  it('does not refill when the clock goes backwards', () => {
    expect(takes([1000, 1000, 1000, 0, 1000])).toEqual([true, true, true, false, false]);
    expect(take({ tokens: 0, at: 500 }, limit, 100)).toEqual({
      allowed: false,
      bucket: { tokens: 0, at: 500 },
    });
  });
});
