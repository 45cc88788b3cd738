import { describe, expect, it } from 'vitest';
import { DEFAULT_MAX_FRAME_SIZE, fragmentLimit } from '../../src/index.js';

describe('fragmentLimit', () => {
  it("keeps ws's 16 384 for the default 1 MiB and grows as maxFrameSize / 64 beyond", () => {
    expect(fragmentLimit(DEFAULT_MAX_FRAME_SIZE)).toBe(16 * 1024);
    expect(fragmentLimit(1024)).toBe(16 * 1024);
    expect(fragmentLimit(16 * 1024 * 1024)).toBe(262_144);
  });

  it('lets a message of 64-byte fragments reach maxFrameSize before the fragment limit', () => {
    for (const size of [4 * 1024 * 1024, 16 * 1024 * 1024, 100 * 1024 * 1024]) {
      expect(fragmentLimit(size) * 64).toBeGreaterThanOrEqual(size);
    }
  });

  it('is unlimited (0, as in ws) for an unlimited maxFrameSize', () => {
    expect(fragmentLimit(Infinity)).toBe(0);
  });
});
