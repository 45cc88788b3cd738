import { isUtf8 } from 'node:buffer';
import type { OutFrame } from '../handler/frames.js';
import type { SerializedFrame } from '../server/transport.js';
import { ReceivedText } from '../server/ws/receivedText.js';
import { OPCODES, payloadOf, serverFrame, type BroadcastFrame } from '../server/ws/dataFrames.js';

/**
 * A broadcast frame crosses nodes as its opcode and its payload bytes; the receiving node turns them
 * back into a frame, serialized once for all its members. Bytes that no rodeo node would have sent
 * (text that is not UTF-8, an oversized control frame, an unknown opcode) are refused.
 */

/** The opcode (as a message field) and payload of a frame `serializeBroadcast` accepted. */
export function frameBytes(frame: OutFrame): [opcode: string, payload: Buffer] {
  const broadcastable = frame as BroadcastFrame;
  return [String(OPCODES[broadcastable.type]), payloadOf(broadcastable)];
}

/** The frame of `payload` under `opcode`, serialized; throws for bytes it will not write. */
export function crossedFrame(opcode: number, payload: Buffer): SerializedFrame {
  let frame: BroadcastFrame;
  if (opcode === OPCODES.text && isUtf8(payload)) frame = new ReceivedText(payload);
  else if (opcode === OPCODES.binary) frame = { type: 'binary', data: payload };
  else if ((opcode === OPCODES.ping || opcode === OPCODES.pong) && payload.length <= 125) {
    frame = { type: opcode === OPCODES.ping ? 'ping' : 'pong', data: payload };
  } else throw new Error(`bad broadcast frame (opcode ${opcode}, ${payload.length} bytes)`);
  return { frame, buffers: serverFrame(opcode, payload) };
}
