import type { OutFrame } from '../../handler/frames.js';
import { ReceivedText } from './receivedText.js';
import { serializeFrame } from './wsInternals.js';

/**
 * Frames as a server writes them (unmasked, final), serialized once with ws's own framing: for a
 * broadcast (once for every member), for a frame crossing nodes, and for the data frames the ws
 * transport writes to the socket itself.
 */

/** The opcode of each frame type other than close. */
export const OPCODES = { text: 0x1, binary: 0x2, ping: 0x9, pong: 0xa } as const;

/** A frame that is not a close frame: what a broadcast may carry. */
export type BroadcastFrame = Exclude<OutFrame, { type: 'close' }>;

/** The bytes a frame carries (a received text frame keeps the bytes it came in as). */
export function payloadOf(frame: BroadcastFrame): Buffer {
  if (frame.type === 'text') return ReceivedText.bytesOf(frame) ?? Buffer.from(frame.data);
  return Buffer.from(frame.data.buffer, frame.data.byteOffset, frame.data.byteLength);
}

/** The buffers that put `frame` on the wire (its header, its payload), uncompressed. */
export function frameBuffers(frame: BroadcastFrame): Buffer[] {
  return serializeFrame(OPCODES[frame.type], payloadOf(frame));
}
