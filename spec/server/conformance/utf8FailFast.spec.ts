import { constants, deflateRawSync, inflateRawSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RodeoServer } from '../../../src/index.js';
import { probe, type Probe } from '../../fixtures/serverHandlers.js';
import { closeAll, encodeFrame, rawPeer, start, type RawFrame, type RawPeer } from '../support.js';

/**
 * Autobahn 6.4.x: invalid UTF-8 in a text message that arrives in pieces fails the connection
 * (1007) as soon as the piece that makes it invalid arrives; the rest is never sent. 6.4.1/6.4.2
 * send the pieces as fragments, 6.4.3/6.4.4 as TCP writes of one frame.
 */

/** Autobahn 6.4.1's message: "κόσμε", U+110000 encoded as if it existed, "edited". */
const PART1 = Buffer.from('κόσμε');
const PART2 = Buffer.from([0xf4, 0x90, 0x80, 0x80]);
const PART3 = Buffer.from('edited');
const PAYLOAD = Buffer.concat([PART1, PART2, PART3]);
/** Valid text whose code points are 1 to 4 bytes long. */
const VALID = Buffer.from('aκό€😀z');
/** Header and mask of a masked client frame with a payload under 126 bytes. */
const HEAD = 6;

let server: RodeoServer;
let strict: Probe<null, string>;

beforeEach(async () => {
  // The idle timeout only bounds how long a server that does not fail fast holds the connection:
  // it then closes with 1000, not 1007.
  strict = probe({}, { idleTimeout: 5000 });
  server = await start({
    '/echo': strict,
    '/deflate': probe({}, { idleTimeout: 5000, compress: true }),
    '/lax': probe({}, { validateUtf8: false }),
  });
});
afterEach(closeAll);

/** The first frame the server sends is a close with 1007, and the connection ends with it. */
async function expectBadEncoding(peer: RawPeer): Promise<void> {
  const frame = await peer.frame();
  expect({ opcode: frame.opcode, payload: [...frame.payload] }).toEqual({
    opcode: 0x8,
    payload: [0x03, 0xef],
  });
  await peer.ended;
}

/** Sends one frame's bytes as separate TCP writes, cut at `cuts`. */
function writeInPieces(peer: RawPeer, frame: Buffer, cuts: number[]): void {
  let from = 0;
  for (const cut of [...cuts, frame.length]) {
    peer.write(frame.subarray(from, cut));
    from = cut;
  }
}

/** A fragment of a permessage-deflate message, compressed on its own (ends on a sync flush). */
function compressed(bytes: Buffer, final: boolean): Buffer {
  const data = deflateRawSync(bytes, { finishFlush: constants.Z_SYNC_FLUSH });
  // RFC 7692 §7.2.1: the final fragment drops the flush's empty block trailer.
  return final ? data.subarray(0, data.length - 4) : data;
}

/** The payload of a (single-frame) message from the server, inflated if it is compressed. */
function inflated(frame: RawFrame): Buffer {
  if (frame.rsv !== 0x4) return frame.payload;
  return inflateRawSync(Buffer.concat([frame.payload, Buffer.from([0x00, 0x00, 0xff, 0xff])]), {
    finishFlush: constants.Z_SYNC_FLUSH,
  });
}

describe('6.4 invalid UTF-8 fails fast', () => {
  it('6.4.1 fails with 1007 on the fragment that makes the message invalid', async () => {
    const peer = await rawPeer(server, '/echo');
    peer.send({ opcode: 0x1, payload: PART1, fin: false });
    peer.send({ opcode: 0x0, payload: PART2, fin: false });
    // A server that waits for the final fragment would answer this ping first.
    peer.send({ opcode: 0x9, payload: 'still open?' });
    await expectBadEncoding(peer);
    expect((await strict.terminated()).reason).toEqual({ type: 'error', error: 'badencoding' });
  });

  it('6.4.2 fails with 1007 on a fragment holding only the invalid byte', async () => {
    const peer = await rawPeer(server, '/echo');
    peer.send({ opcode: 0x1, payload: PAYLOAD.subarray(0, 12), fin: false });
    peer.send({ opcode: 0x0, payload: PAYLOAD.subarray(12, 13), fin: false });
    peer.send({ opcode: 0x9, payload: 'still open?' });
    await expectBadEncoding(peer);
    expect((await strict.terminated()).reason).toEqual({ type: 'error', error: 'badencoding' });
  });

  it.each([
    ['6.4.3 the write with the invalid code point', [HEAD + 11, HEAD + 15]],
    ['6.4.4 the write with only the invalid byte', [HEAD + 12, HEAD + 13]],
  ])('%s of one frame fails with 1007 before the frame is complete', async (_name, cuts) => {
    const peer = await rawPeer(server, '/echo');
    const frame = encodeFrame({ opcode: 0x1, payload: PAYLOAD });
    // The rest of the frame (after the second cut) is never sent.
    writeInPieces(peer, frame.subarray(0, cuts[1]), cuts.slice(0, 1));
    await expectBadEncoding(peer);
    expect((await strict.terminated()).reason).toEqual({ type: 'error', error: 'badencoding' });
  });

  it('ends like a message found invalid at its end: same close frame, reason and metrics', async () => {
    const atEnd = await rawPeer(server, '/echo');
    atEnd.send({ opcode: 0x1, payload: PAYLOAD });
    await expectBadEncoding(atEnd);
    const early = await rawPeer(server, '/echo');
    early.send({ opcode: 0x1, payload: PART1, fin: false });
    early.send({ opcode: 0x0, payload: PART2, fin: false });
    await expectBadEncoding(early);
    const [first, second] = [await strict.terminated(), await strict.terminated()];
    expect(second.reason).toEqual(first.reason);
    expect(server.metrics.terminated).toMatchObject({ error: 2 });
  });

  it('still fails a message that ends inside a code point, at its final fragment', async () => {
    const peer = await rawPeer(server, '/echo');
    peer.send({ opcode: 0x1, payload: VALID.subarray(0, 2), fin: false });
    peer.send({ opcode: 0x0, payload: VALID.subarray(2, 4) });
    await expectBadEncoding(peer);
  });

  it('6.2.3/6.2.4 accepts code points split at every byte across fragments', async () => {
    const peer = await rawPeer(server, '/echo');
    for (let i = 0; i < VALID.length; i++) {
      const fin = i === VALID.length - 1;
      peer.send({ opcode: i === 0 ? 0x1 : 0x0, payload: VALID.subarray(i, i + 1), fin });
    }
    const echo = await peer.frame();
    expect(echo.payload.equals(VALID)).toBe(true);
  });

  it('accepts code points split at every byte across writes of one frame', async () => {
    const peer = await rawPeer(server, '/echo');
    const frame = encodeFrame({ opcode: 0x1, payload: VALID });
    writeInPieces(
      peer,
      frame,
      Array.from({ length: VALID.length }, (_, i) => HEAD + i),
    );
    const echo = await peer.frame();
    expect(echo.payload.equals(VALID)).toBe(true);
  });

  it('accepts an empty fragment and a binary message with invalid UTF-8 in fragments', async () => {
    const peer = await rawPeer(server, '/echo');
    peer.send({ opcode: 0x1, payload: VALID.subarray(0, 2), fin: false });
    peer.send({ opcode: 0x0, payload: Buffer.alloc(0), fin: false });
    peer.send({ opcode: 0x0, payload: VALID.subarray(2) });
    expect((await peer.frame()).payload.equals(VALID)).toBe(true);
    peer.send({ opcode: 0x2, payload: PART1, fin: false });
    peer.send({ opcode: 0x0, payload: PART2, fin: false });
    peer.send({ opcode: 0x0, payload: PART3 });
    expect((await peer.frame()).payload.equals(PAYLOAD)).toBe(true);
  });
});

describe('6.4 with permessage-deflate: checked after inflating each fragment', () => {
  const offer = { 'Sec-WebSocket-Extensions': 'permessage-deflate' };

  it('fails with 1007 on the compressed fragment that makes the message invalid', async () => {
    const peer = await rawPeer(server, '/deflate', offer);
    peer.send({ opcode: 0x1, rsv: 0x4, payload: compressed(PART1, false), fin: false });
    peer.send({ opcode: 0x0, payload: compressed(PART2, false), fin: false });
    peer.send({ opcode: 0x9, payload: 'still open?' });
    await expectBadEncoding(peer);
  });

  it('accepts a code point split across compressed fragments', async () => {
    const peer = await rawPeer(server, '/deflate', offer);
    peer.send({
      opcode: 0x1,
      rsv: 0x4,
      payload: compressed(VALID.subarray(0, 2), false),
      fin: false,
    });
    peer.send({ opcode: 0x0, payload: compressed(VALID.subarray(2, 9), false), fin: false });
    peer.send({ opcode: 0x0, payload: compressed(VALID.subarray(9), true) });
    expect(inflated(await peer.frame()).equals(VALID)).toBe(true);
  });
});

describe('validateUtf8: false', () => {
  it('echoes invalid UTF-8 sent in fragments and in pieces of one frame', async () => {
    const peer = await rawPeer(server, '/lax');
    peer.send({ opcode: 0x1, payload: PART1, fin: false });
    peer.send({ opcode: 0x0, payload: PART2, fin: false });
    peer.send({ opcode: 0x0, payload: PART3 });
    expect((await peer.frame()).payload.equals(PAYLOAD)).toBe(true);
    writeInPieces(peer, encodeFrame({ opcode: 0x1, payload: PAYLOAD }), [HEAD + 12, HEAD + 13]);
    expect((await peer.frame()).payload.equals(PAYLOAD)).toBe(true);
  });
});
