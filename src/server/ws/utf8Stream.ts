import { isUtf8 } from 'node:buffer';

type Range = readonly [low: number, high: number];

const CONTINUATION: Range = [0x80, 0xbf];
const AFTER_E0: Range = [0xa0, 0xbf];
const AFTER_ED: Range = [0x80, 0x9f];
const AFTER_F0: Range = [0x90, 0xbf];
const AFTER_F4: Range = [0x80, 0x8f];

/**
 * UTF-8 checked chunk by chunk, for a text message that arrives in pieces (fragments, or one
 * frame over several reads): a piece is refused as soon as the bytes so far cannot begin a valid
 * message, even when the rest has not arrived. A code point split across pieces is carried over
 * (at most 3 bytes), never refused for being incomplete; whether the message *ends* complete is
 * left to the end-of-message check.
 *
 * Whole pieces are checked by Node's native `isUtf8` (no copy, no string built); only the carried
 * bytes are looked at one by one, with the ranges of RFC 3629 §4, so an overlong form, a surrogate
 * or a code point past U+10FFFF is refused at the byte that makes it so.
 */
export class Utf8Stream {
  /** The incomplete code point carried over from the previous piece. */
  readonly #pending = new Uint8Array(4);
  #pendingLength = 0;
  /** The length of the code point `#pending` begins. */
  #pendingTarget = 0;

  /** Takes the next piece; `false` once the message can no longer be valid UTF-8. */
  push(bytes: Uint8Array): boolean {
    let start = 0;
    if (this.#pendingLength > 0) {
      while (this.#pendingLength < this.#pendingTarget && start < bytes.length) {
        if (!this.#append(bytes[start] as number)) return false;
        start++;
      }
      if (this.#pendingLength < this.#pendingTarget) return true;
      this.#pendingLength = 0;
    }
    const tail = incompleteTail(bytes, start);
    const whole = start === 0 && tail === bytes.length;
    if (!isUtf8(whole ? bytes : bytes.subarray(start, tail))) return false;
    for (let i = tail; i < bytes.length; i++) {
      if (!this.#append(bytes[i] as number)) return false;
    }
    return true;
  }

  /** Adds one byte to the carried code point, checking the range its position allows. */
  #append(byte: number): boolean {
    const at = this.#pendingLength;
    if (at === 0) {
      this.#pendingTarget = sequenceLength(byte);
    } else {
      const lead = this.#pending[0] as number;
      const [low, high] = at === 1 ? secondByteRange(lead) : CONTINUATION;
      if (byte < low || byte > high) return false;
    }
    this.#pending[at] = byte;
    this.#pendingLength = at + 1;
    return true;
  }
}

/**
 * Where the code point cut off by the end of `bytes` begins (`bytes.length` if none is): the last
 * lead byte within the final 3, when the sequence it announces is longer than what follows it.
 * Invalid lead bytes announce nothing, so `isUtf8` sees and refuses them.
 */
function incompleteTail(bytes: Uint8Array, start: number): number {
  const end = bytes.length;
  for (let i = end - 1; i >= start && i >= end - 3; i--) {
    const byte = bytes[i] as number;
    if ((byte & 0xc0) !== 0x80) return sequenceLength(byte) > end - i ? i : end;
  }
  return end;
}

/** The length a lead byte announces: 2–4 for valid leads, 1 otherwise. */
function sequenceLength(lead: number): number {
  if (lead >= 0xc2 && lead <= 0xdf) return 2;
  if (lead >= 0xe0 && lead <= 0xef) return 3;
  if (lead >= 0xf0 && lead <= 0xf4) return 4;
  return 1;
}

/** RFC 3629 §4: the second byte's range rules out overlong forms, surrogates and > U+10FFFF. */
function secondByteRange(lead: number): Range {
  switch (lead) {
    case 0xe0:
      return AFTER_E0;
    case 0xed:
      return AFTER_ED;
    case 0xf0:
      return AFTER_F0;
    case 0xf4:
      return AFTER_F4;
    default:
      return CONTINUATION;
  }
}
