import { describe, expect, it } from 'vitest';
import { ArrivingText, forEachUnmasked } from '../../../src/server/ws/arrivingText.js';

const MASK = Uint8Array.from([0x12, 0x34, 0x56, 0x78]);

function masked(payload: Uint8Array): Uint8Array {
  return payload.map((byte, i) => byte ^ (MASK[i & 3] as number));
}

/** Collects what `forEachUnmasked` pushes (copied: the slices are reused). */
function collect(refuseAt = Infinity): { push(bytes: Uint8Array): boolean; bytes: number[] } {
  const bytes: number[] = [];
  return {
    bytes,
    push(slice) {
      bytes.push(...slice);
      return bytes.length < refuseAt;
    },
  };
}

describe('forEachUnmasked', () => {
  it('unmasks the last bytes of several chunks, whatever their payload position', () => {
    const payload = Uint8Array.from({ length: 23 }, (_, i) => i * 7);
    const wire = masked(payload);
    const chunks = [wire.subarray(0, 5), wire.subarray(5, 6), wire.subarray(6)];
    for (let count = 0; count <= payload.length; count++) {
      const offset = payload.length - count;
      const sink = collect();
      expect(forEachUnmasked(chunks, count, MASK, offset, sink)).toBe(true);
      expect(sink.bytes).toEqual([...payload.subarray(offset)]);
    }
  });

  it('goes slice by slice through reads longer than a slice, and stops when refused', () => {
    const payload = Uint8Array.from({ length: 100_003 }, (_, i) => (i * 31) & 0xff);
    const wire = masked(payload);
    const chunks = [wire.subarray(0, 1), wire.subarray(1, 40_000), wire.subarray(40_000)];
    const sink = collect();
    expect(forEachUnmasked(chunks, 100_002, MASK, 1, sink)).toBe(true);
    expect(Buffer.from(sink.bytes).equals(Buffer.from(payload.subarray(1)))).toBe(true);
    const refusing = collect(1);
    expect(forEachUnmasked(chunks, 100_002, MASK, 1, refusing)).toBe(false);
    expect(refusing.bytes.length).toBe(16 * 1024);
  });

  it('leaves the chunks masked', () => {
    const wire = masked(Uint8Array.from([1, 2, 3, 4, 5]));
    const before = [...wire];
    forEachUnmasked([wire], 5, MASK, 0, collect());
    expect([...wire]).toEqual(before);
  });
});

describe('ArrivingText', () => {
  const text = Buffer.from('κόσμε😀');

  it('checks each byte once across reads of a frame and the frame it completes', () => {
    const check = new ArrivingText();
    const wire = masked(text);
    // Reads of 3, then 4 more bytes: the first read cuts κό, the second the emoji's lead.
    expect(check.frameArriving([wire.subarray(0, 3)], 3, MASK)).toBe(true);
    expect(check.frameArriving([wire.subarray(0, 3), wire.subarray(3, 7)], 7, MASK)).toBe(true);
    // The same bytes again (no new read) change nothing.
    expect(check.frameArriving([wire.subarray(0, 7)], 7, MASK)).toBe(true);
    expect(check.frameComplete([text])).toBe(true);
  });

  it('refuses at the read that brings the invalid byte', () => {
    const check = new ArrivingText();
    const payload = Buffer.from([0xce, 0xba, 0xf4, 0x90, 0x80, 0x80]);
    const wire = masked(payload);
    expect(check.frameArriving([wire.subarray(0, 3)], 3, MASK)).toBe(true);
    expect(check.frameArriving([wire.subarray(0, 4)], 4, MASK)).toBe(false);
  });

  it('carries a code point from one fragment to the next; an empty fragment adds nothing', () => {
    const check = new ArrivingText();
    const fragments = [text.subarray(0, 1)];
    expect(check.frameComplete(fragments)).toBe(true);
    expect(check.frameComplete(fragments)).toBe(true);
    fragments.push(text.subarray(1, 13));
    expect(check.frameComplete(fragments)).toBe(true);
    fragments.push(Buffer.from('A'));
    expect(check.frameComplete(fragments)).toBe(false);
  });
});
