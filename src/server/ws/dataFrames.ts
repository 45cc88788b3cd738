import type { Duplex } from 'node:stream';

/**
 * Writes one final, unmasked, uncompressed data frame (a server's frame, RFC 6455 §5.2) straight to
 * the socket, as ws's own sender would when it has nothing queued.
 *
 * Why not `ws.send`: per frame it spreads an options object, re-measures the payload and goes
 * through the sender's dispatch; and on these machines V8 drops the sender's optimized code each
 * time connections it was specialised for go away ("weak objects"), after which a long-running
 * server's sends ran up to 2× slower (measured with the bench's multi-frame scenario, round after
 * round). A small frame goes out as one buffer (header and payload together), a large one as two
 * writes, so the payload is not copied.
 *
 * @param opcode 0x1 text, 0x2 binary.
 * @return The bytes written.
 */
export function writeDataFrame(socket: Duplex, opcode: 0x1 | 0x2, payload: Buffer): number {
  const length = payload.length;
  if (length < 126) {
    const frame = Buffer.allocUnsafe(2 + length);
    frame[0] = 0x80 | opcode;
    frame[1] = length;
    payload.copy(frame, 2);
    socket.write(frame);
    return frame.length;
  }
  const header = Buffer.allocUnsafe(length < 0x10000 ? 4 : 10);
  header[0] = 0x80 | opcode;
  if (length < 0x10000) {
    header[1] = 126;
    header.writeUInt16BE(length, 2);
  } else {
    header[1] = 127;
    header.writeUInt32BE(Math.floor(length / 0x1_0000_0000), 2);
    header.writeUInt32BE(length >>> 0, 6);
  }
  if (length <= MERGE_BELOW) {
    socket.write(Buffer.concat([header, payload], header.length + length));
  } else {
    socket.write(header);
    socket.write(payload);
  }
  return header.length + length;
}

/** Payloads up to this size are copied next to their header: one write instead of two. */
const MERGE_BELOW = 1024;
