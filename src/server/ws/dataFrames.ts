import type { OutFrame } from '../../handler/frames.js';
import { ReceivedText } from './receivedText.js';

/**
 * Frames as a server writes them (unmasked, final, uncompressed; RFC 6455 §5.2), serialized by
 * rodeo: for a broadcast (once for every member), for a frame crossing nodes, and for the data
 * frames the ws transport writes to the socket itself.
 *
 * A small frame is one buffer — its header and a copy of its payload: every buffer is one `write`
 * on the socket and one entry of the `writev` that sends them, which cost more than copying a small
 * payload. The ws transport goes further: the small frames of a whole tick are serialized into one
 * staging buffer (`putFrame`), one write. A large payload is written as it is, after a header of
 * its own.
 */

/** The opcode of each frame type other than close. */
export const OPCODES = { text: 0x1, binary: 0x2, ping: 0x9, pong: 0xa } as const;

/** Payloads up to this many bytes are copied behind their header (larger ones are not copied). */
export const COPY_LIMIT = 2048;

/**
 * The most a tick's staging buffer (the ws transport's) grows to: the small frames written in one
 * tick are serialized into it and leave as one write. It starts at the size of the connection's
 * last one, or of the first frame — a connection that sends one small message holds no more than
 * that frame — and doubles as frames are added; past this size it is written and a new one starts.
 */
export const MAX_STAGE_BYTES = 16 * 1024;

/** A frame that is not a close frame: what a broadcast may carry. */
export type BroadcastFrame = Exclude<OutFrame, { type: 'close' }>;

/** A text or binary frame. */
export type DataFrame = Extract<OutFrame, { type: 'text' | 'binary' }>;

/** Whether `frame` is a text or binary frame. */
export function isData(frame: OutFrame): frame is DataFrame {
  return frame.type === 'text' || frame.type === 'binary';
}

/** The bytes a frame carries (a received text frame keeps the bytes it came in as). */
export function payloadOf(frame: BroadcastFrame): Buffer {
  if (frame.type === 'text') return ReceivedText.bytesOf(frame) ?? Buffer.from(frame.data);
  return Buffer.from(frame.data.buffer, frame.data.byteOffset, frame.data.byteLength);
}

/** The buffers that put `frame` on the wire: one if it is small, else its header and payload. */
export function frameBuffers(frame: BroadcastFrame): Buffer[] {
  return serverFrame(OPCODES[frame.type], payloadOf(frame));
}

/** The buffers of a frame with `opcode` carrying `payload`, as `frameBuffers`. */
export function serverFrame(opcode: number, payload: Buffer): Buffer[] {
  const length = payload.length;
  const head = headerSize(length);
  if (length > COPY_LIMIT) {
    const header = Buffer.allocUnsafe(head);
    putHeader(header, 0, opcode, length);
    return [header, payload];
  }
  const wire = Buffer.allocUnsafe(head + length);
  putFrame(wire, 0, opcode, payload);
  return [wire];
}

/**
 * A larger staging buffer holding the `used` bytes of `stage`, with room for `size` more: twice as
 * large (up to `MAX_STAGE_BYTES`), or as large as needed.
 */
export function grownStage(stage: Buffer, used: number, size: number): Buffer {
  const grown = Buffer.allocUnsafe(
    Math.max(used + size, Math.min(2 * stage.length, MAX_STAGE_BYTES)),
  );
  stage.copy(grown, 0, 0, used);
  return grown;
}

/** The bytes of a frame's header for a payload of `length` bytes. */
export function headerSize(length: number): number {
  return length < 126 ? 2 : length < 0x10000 ? 4 : 10;
}

/**
 * Serializes a final, unmasked frame into `target` at `at` (which has room for it); returns where
 * it ends.
 */
export function putFrame(target: Buffer, at: number, opcode: number, payload: Buffer): number {
  const start = putHeader(target, at, opcode, payload.length);
  target.set(payload, start);
  return start + payload.length;
}

/** Writes a final, unmasked frame's header at `at`; returns where its payload goes. */
function putHeader(target: Buffer, at: number, opcode: number, length: number): number {
  target[at] = 0x80 | opcode;
  if (length < 126) {
    target[at + 1] = length;
    return at + 2;
  }
  if (length < 0x10000) {
    target[at + 1] = 126;
    target.writeUInt16BE(length, at + 2);
    return at + 4;
  }
  target[at + 1] = 127;
  target.writeUInt32BE(Math.floor(length / 0x1_0000_0000), at + 2);
  target.writeUInt32BE(length >>> 0, at + 6);
  return at + 10;
}
