import { Utf8Stream } from './utf8Stream.js';

/** How many unmasked bytes are checked at a time; the copy they are unmasked in is this big. */
const SLICE_BYTES = 16 * 1024;
/**
 * The copy, shared by every connection: checks run synchronously, one at a time, and keep nothing
 * of it (a carried code point is copied out). Reused, where a copy per read cost more than the
 * unmasking (allocating 64 KiB took about 30 µs).
 */
const sliceWords = new Int32Array(SLICE_BYTES / 4);
const sliceBytes = new Uint8Array(sliceWords.buffer);
/** One mask key, as bytes and as a native-endian word over the same memory. */
const keyBytes = new Uint8Array(4);
const keyWord = new Int32Array(keyBytes.buffer);

/**
 * The UTF-8 check of one text message that arrives in pieces: frames (fragments) and, within an
 * uncompressed frame, the reads that bring its payload. It is fed what the receiver holds at each
 * step and checks each byte once; `false` means the message can no longer be valid UTF-8. It keeps
 * nothing of the payload but a carried, incomplete code point.
 */
export class ArrivingText {
  readonly #utf8 = new Utf8Stream();
  /** Payload bytes of the current frame checked while it was still arriving. */
  #frameChecked = 0;
  /** Fragments of the message checked so far. */
  #fragments = 0;

  /**
   * A frame still arriving: its payload so far is the last `arrived` bytes of `chunks`, masked
   * with `mask` (RFC 6455 §5.3). Checks the bytes not seen before.
   */
  frameArriving(chunks: readonly Uint8Array[], arrived: number, mask: Uint8Array): boolean {
    const from = this.#frameChecked;
    if (arrived <= from) return true;
    this.#frameChecked = arrived;
    return forEachUnmasked(chunks, arrived - from, mask, from, this.#utf8);
  }

  /**
   * A frame complete: `fragments` is the message so far, this frame's payload (unmasked, inflated)
   * last unless it was empty. Checks what `frameArriving` did not.
   */
  frameComplete(fragments: readonly Uint8Array[]): boolean {
    const checked = this.#frameChecked;
    this.#frameChecked = 0;
    if (fragments.length === this.#fragments) return true;
    this.#fragments = fragments.length;
    const fragment = fragments[fragments.length - 1] as Uint8Array;
    return this.#utf8.push(checked === 0 ? fragment : fragment.subarray(checked));
  }
}

/**
 * Pushes the last `count` bytes of `chunks`, unmasked, to `sink` slice by slice in order, until it
 * returns `false`; `offset` is the position of the first of them in the payload (which mask byte
 * applies). The slices are copies: `chunks` keep their masked bytes, for ws to unmask later.
 */
export function forEachUnmasked(
  chunks: readonly Uint8Array[],
  count: number,
  mask: Uint8Array,
  offset: number,
  sink: { push(bytes: Uint8Array): boolean },
): boolean {
  // Find where the last `count` bytes begin: chunk `index`, byte `at`.
  let index = chunks.length - 1;
  let before = count;
  while (index > 0 && before > (chunks[index] as Uint8Array).length) {
    before -= (chunks[index] as Uint8Array).length;
    index--;
  }
  let at = Math.max((chunks[index]?.length ?? 0) - before, 0);
  let filled = 0;
  let position = offset;
  for (; index < chunks.length; index++, at = 0) {
    const chunk = chunks[index] as Uint8Array;
    while (at < chunk.length) {
      const take = Math.min(chunk.length - at, SLICE_BYTES - filled);
      sliceBytes.set(chunk.subarray(at, at + take), filled);
      filled += take;
      at += take;
      if (filled === SLICE_BYTES) {
        if (!sink.push(unmaskSlice(filled, mask, position))) return false;
        position += filled;
        filled = 0;
      }
    }
  }
  return filled === 0 || sink.push(unmaskSlice(filled, mask, position));
}

/** Unmasks the first `length` bytes of the slice in place; returns them. */
function unmaskSlice(length: number, mask: Uint8Array, position: number): Uint8Array {
  for (let i = 0; i < 4; i++) keyBytes[i] = mask[(position + i) & 3] as number;
  // Four bytes at a time (several times faster than byte by byte in V8), then the remainder.
  const key = keyWord[0] as number;
  const whole = length >>> 2;
  for (let i = 0; i < whole; i++) sliceWords[i] = (sliceWords[i] as number) ^ key;
  for (let i = whole << 2; i < length; i++) {
    sliceBytes[i] = (sliceBytes[i] as number) ^ (keyBytes[i & 3] as number);
  }
  return sliceBytes.subarray(0, length);
}
