/**
 * WebSocket frames for the load generator: client frames built and masked once, then reused, and a
 * reply parser that only reads frame headers and counts messages.
 */
import { deflateRawSync } from 'node:zlib';

/** The opcodes the loader sends. */
export const OPCODE = { text: 0x1, binary: 0x2, close: 0x8, pong: 0xa } as const;

/** A fixed mask: every client frame must be masked, but nothing says the key must vary. */
const MASK = Buffer.from([0x37, 0xfa, 0x21, 0x3d]);

/**
 * One masked client frame, ready to write any number of times.
 *
 * @param payload The unmasked payload.
 * @param opcode Text by default.
 * @param rsv1 Set the permessage-deflate bit (the payload must then be deflated).
 * @return The complete frame.
 */
export function clientFrame(payload: Buffer, opcode: number = OPCODE.text, rsv1 = false): Buffer {
  const len = payload.length;
  const ext = len < 126 ? 0 : len < 65536 ? 2 : 8;
  const frame = Buffer.allocUnsafe(2 + ext + 4 + len);
  frame[0] = 0x80 | (rsv1 ? 0x40 : 0) | opcode;
  if (ext === 0) frame[1] = 0x80 | len;
  else if (ext === 2) {
    frame[1] = 0x80 | 126;
    frame.writeUInt16BE(len, 2);
  } else {
    frame[1] = 0x80 | 127;
    frame.writeBigUInt64BE(BigInt(len), 2);
  }
  MASK.copy(frame, 2 + ext);
  const start = 6 + ext;
  for (let i = 0; i < len; i++) frame[start + i] = (payload[i] as number) ^ (MASK[i & 3] as number);
  return frame;
}

/**
 * A text frame whose payload is permessage-deflate compressed (RFC 7692 §7.2.1: the trailing
 * `00 00 ff ff` of a sync flush is removed).
 */
export function deflatedTextFrame(payload: Buffer): Buffer {
  const raw = deflateRawSync(payload, { finishFlush: 2 /* Z_SYNC_FLUSH */ });
  return clientFrame(raw.subarray(0, raw.length - 4), OPCODE.text, true);
}

/** A close frame with code 1000. */
export function closeFrame(): Buffer {
  return clientFrame(Buffer.from([0x03, 0xe8]), OPCODE.close);
}

/**
 * `1..max` copies of `frame` back to back, so that `n` replies are answered with one write of
 * `batches[n]`.
 */
export function batches(frame: Buffer, max: number): Buffer[] {
  const out: Buffer[] = [Buffer.alloc(0)];
  for (let n = 1; n <= max; n++) out.push(Buffer.concat(Array.from({ length: n }, () => frame)));
  return out;
}

/** Called with a small text payload the parser was asked to show (Socket.IO pings). */
export type PeekHandler = (payload: Buffer) => void;

/**
 * Counts complete data messages in the server's byte stream without copying payloads. Control
 * frames are not counted; a close frame sets `closed`. With `peek`, text frames of at most 2 bytes
 * are handed over whole and not counted (Engine.IO's ping `2` is one).
 */
export class FrameCounter {
  /** Whether the server sent a close frame. */
  closed = false;
  private skip = 0;
  private rest: Buffer | null = null;

  constructor(private readonly peek?: PeekHandler) {}

  /**
   * Feed one chunk read from the socket.
   *
   * @return The number of complete data messages that ended in it.
   */
  push(chunk: Buffer): number {
    let buf = chunk;
    if (this.rest !== null) {
      buf = Buffer.concat([this.rest, chunk]);
      this.rest = null;
    }
    let off = 0;
    if (this.skip > 0) {
      const take = Math.min(this.skip, buf.length);
      this.skip -= take;
      off = take;
    }
    let messages = 0;
    while (off < buf.length) {
      const left = buf.length - off;
      if (left < 2) break;
      const b0 = buf[off] as number;
      let len = (buf[off + 1] as number) & 0x7f;
      let header = 2;
      if (len === 126) {
        if (left < 4) break;
        len = buf.readUInt16BE(off + 2);
        header = 4;
      } else if (len === 127) {
        if (left < 10) break;
        len = buf.readUInt32BE(off + 6);
        header = 10;
      }
      const opcode = b0 & 0x0f;
      const small = this.peek !== undefined && opcode === OPCODE.text && len <= 2;
      if (small && left < header + len) break;
      off += header;
      if (small) {
        this.peek?.(buf.subarray(off, off + len));
        off += len;
        continue;
      }
      if (opcode === OPCODE.close) this.closed = true;
      else if ((b0 & 0x80) !== 0 && opcode < 8) messages++;
      const avail = buf.length - off;
      if (len <= avail) off += len;
      else {
        this.skip = len - avail;
        off = buf.length;
      }
    }
    if (off < buf.length) this.rest = Buffer.from(buf.subarray(off));
    return messages;
  }
}
