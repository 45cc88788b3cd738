import { describe, expect, it } from 'vitest';
import { whenSettled } from '../../examples/settled.js';

describe('whenSettled', () => {
  it('calls on at once with a plain value (the synchronous path stays synchronous)', () => {
    expect(whenSettled(2, (n) => n * 3)).toBe(6);
    expect(whenSettled(null, (n) => n)).toBeNull();
  });

  it('calls on once a promise or thenable settles', async () => {
    const later = whenSettled(Promise.resolve(2), (n) => n * 3);
    expect(later).toBeInstanceOf(Promise);
    expect(await later).toBe(6);
    const thenable: PromiseLike<number> = { then: (next) => Promise.resolve(4).then(next) };
    expect(await whenSettled(thenable, (n) => Promise.resolve(n + 1))).toBe(5);
  });
});
