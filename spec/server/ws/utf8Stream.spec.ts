import { describe, expect, it } from 'vitest';
import { Utf8Stream } from '../../../src/server/ws/utf8Stream.js';
import { random } from '../../fixtures/random.js';

/**
 * The reference is WHATWG's UTF-8 decoder (`TextDecoder` with `fatal` and `stream`), which also
 * refuses a sequence at the first byte that cannot continue it.
 */

/** The index of the first piece refused, or -1 (the end of the message is not judged). */
function firstRefused(pieces: readonly Uint8Array[]): number {
  const stream = new Utf8Stream();
  return pieces.findIndex((piece) => !stream.push(piece));
}

function referenceFirstRefused(pieces: readonly Uint8Array[]): number {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  return pieces.findIndex((piece) => {
    try {
      decoder.decode(piece, { stream: true });
      return false;
    } catch {
      return true;
    }
  });
}

function bytes(...values: number[]): Uint8Array {
  return Uint8Array.from(values);
}

/** Every way to cut `whole` into two pieces, and into single bytes. */
function cuts(whole: Uint8Array): Uint8Array[][] {
  const twoPieces = Array.from({ length: whole.length + 1 }, (_, at) => [
    whole.subarray(0, at),
    whole.subarray(at),
  ]);
  return [...twoPieces, Array.from(whole, (byte) => bytes(byte))];
}

describe('Utf8Stream', () => {
  it.each([
    ['ASCII', 'plain text'],
    ['2-byte code points', 'κόσμε'],
    ['3-byte code points, U+FFFF included', '€\uffff\ud7ff\ue000'],
    ['4-byte code points up to U+10FFFF', '😀\u{10000}\u{10ffff}'],
  ])('accepts %s however they are cut', (_name, text) => {
    for (const pieces of cuts(Buffer.from(text))) expect(firstRefused(pieces)).toBe(-1);
  });

  it.each([
    ['a lone continuation byte', [0x61, 0x80]],
    ['a lead byte never valid (C0)', [0xc0, 0xaf]],
    ['a lead byte never valid (F5)', [0xf5, 0x80, 0x80, 0x80]],
    ['an overlong 3-byte form (E0 80)', [0xe0, 0x80, 0x80]],
    ['a UTF-16 surrogate (ED A0)', [0xed, 0xa0, 0x80]],
    ['an overlong 4-byte form (F0 80)', [0xf0, 0x80, 0x80, 0x80]],
    ['a code point past U+10FFFF (F4 90)', [0xf4, 0x90, 0x80, 0x80]],
    ['a sequence cut short by ASCII', [0xe2, 0x82, 0x61]],
    ['a sequence cut short by a new lead', [0xf0, 0x9f, 0xce, 0xba]],
  ])('refuses %s at the piece holding the first bad byte', (_name, values) => {
    for (const pieces of cuts(bytes(0xce, 0xba, ...values))) {
      const refused = firstRefused(pieces);
      expect(refused).not.toBe(-1);
      expect(refused).toBe(referenceFirstRefused(pieces));
    }
  });

  it('leaves an incomplete code point at the end to the end-of-message check', () => {
    expect(firstRefused([bytes(0xce, 0xba, 0xf0, 0x9f, 0x98)])).toBe(-1);
  });

  it('agrees with the reference on 2 000 seeded random messages and cuts', () => {
    const next = random(0x0f8);
    const alphabet = [...Buffer.from('aκ€😀\u{10ffff}')];
    for (let round = 0; round < 2000; round++) {
      const length = 1 + Math.floor(next() * 40);
      const message = Uint8Array.from({ length }, () =>
        // Mostly bytes of valid text, some anything: many messages stay valid for a while.
        next() < 0.9
          ? (alphabet[Math.floor(next() * alphabet.length)] as number)
          : Math.floor(next() * 256),
      );
      const pieces: Uint8Array[] = [];
      for (let at = 0; at < length;) {
        const size = 1 + Math.floor(next() * 6);
        pieces.push(message.subarray(at, at + size));
        at += size;
      }
      expect([round, firstRefused(pieces)]).toEqual([round, referenceFirstRefused(pieces)]);
    }
  });
});
