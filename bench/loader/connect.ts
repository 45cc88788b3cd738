/**
 * Opening loader connections: TCP (or TLS) connect, the HTTP upgrade, and for Socket.IO the
 * Engine.IO open packet and the namespace connect (`40`), all spoken raw; over HTTP/2 an extended
 * CONNECT stream (`h2.ts`).
 */
import { connect } from 'node:net';
import type { Duplex } from 'node:stream';
import { connect as connectTls } from 'node:tls';
import { inflateRawSync } from 'node:zlib';
import { clientFrame } from './frames.js';
import { openStream } from './h2.js';

/** Where and how a loader connects. */
export interface Target {
  readonly host: string;
  readonly port: number;
  /** Request path, query included. */
  readonly path: string;
  /** Speak Engine.IO/Socket.IO on top of WebSocket. */
  readonly sio: boolean;
  /** Offer permessage-deflate. */
  readonly deflate: boolean;
  /**
   * `tls`: wss over HTTP/1.1, a TLS handshake per connection; `h2`: a stream of one HTTP/2
   * connection (RFC 8441). Absent: plain ws over TCP.
   */
  readonly transport?: 'tls' | 'h2';
}

/** An upgraded connection, paused; `leftover` holds the bytes read past the handshake. */
export interface OpenConnection {
  /** A TCP or TLS socket, or an HTTP/2 stream. */
  readonly socket: Duplex;
  readonly leftover: Buffer;
}

const SIO_CONNECT = clientFrame(Buffer.from('40'));
const HANDSHAKE_TIMEOUT_MS = 10_000;
/** What a permessage-deflate sender strips from each message (RFC 7692 §7.2.1). */
const SYNC_TAIL = Buffer.from([0x00, 0x00, 0xff, 0xff]);

/**
 * Connects and upgrades, resolving with the socket paused so the caller can attach its reader.
 *
 * @param target The server and path.
 * @param localAddress A loopback source address, to spread connections over more port tuples.
 */
export function openConnection(target: Target, localAddress?: string): Promise<OpenConnection> {
  if (target.transport === 'h2') return openStream(target);
  return new Promise((resolve, reject) => {
    const address = {
      host: target.host,
      port: target.port,
      noDelay: true,
      ...(localAddress === undefined ? {} : { localAddress }),
    };
    const socket =
      target.transport === 'tls'
        ? connectTls({ ...address, ALPNProtocols: ['http/1.1'], rejectUnauthorized: false })
        : connect(address);
    let buf: Buffer = Buffer.alloc(0);
    let upgraded = false;
    let sioStep = 0;
    // Engine.IO compresses even its tiny packets once deflate is negotiated, with context takeover:
    // the previous plaintext is the next message's dictionary.
    let history = Buffer.alloc(0);
    const timer = setTimeout(() => fail(new Error('handshake timeout')), HANDSHAKE_TIMEOUT_MS);
    const fail = (err: Error): void => {
      clearTimeout(timer);
      socket.destroy();
      reject(err);
    };
    const done = (leftover: Buffer): void => {
      clearTimeout(timer);
      socket.pause();
      socket.removeListener('data', onData);
      socket.removeListener('error', fail);
      resolve({ socket, leftover });
    };
    const onData = (chunk: Buffer): void => {
      buf = buf.length === 0 ? chunk : Buffer.concat([buf, chunk]);
      if (!upgraded) {
        const end = buf.indexOf('\r\n\r\n');
        if (end < 0) return;
        if (!buf.subarray(0, 13).toString('latin1').startsWith('HTTP/1.1 101')) {
          fail(new Error(`upgrade refused: ${buf.subarray(0, end).toString('latin1')}`));
          return;
        }
        upgraded = true;
        buf = buf.subarray(end + 4);
        if (!target.sio) {
          done(buf);
          return;
        }
      }
      // Socket.IO: wait for the open packet `0{…}`, send `40`, wait for the connect ack `40{…}`.
      for (;;) {
        const frame = readSmallFrame(buf);
        if (frame === null) return;
        buf = buf.subarray(frame.size);
        let plain = frame.payload;
        if (frame.compressed) {
          plain = inflateRawSync(Buffer.concat([plain, SYNC_TAIL]), {
            dictionary: history,
            finishFlush: 2 /* Z_SYNC_FLUSH */,
          });
          history = Buffer.concat([history, plain]).subarray(-32_768);
        }
        const text = plain.toString('utf8');
        if (sioStep === 0 && text.startsWith('0')) {
          sioStep = 1;
          socket.write(SIO_CONNECT);
        } else if (sioStep === 1 && text.startsWith('40')) {
          done(buf);
          return;
        }
      }
    };
    socket.on('data', onData);
    socket.on('error', fail);
    socket.on(target.transport === 'tls' ? 'secureConnect' : 'connect', () =>
      socket.write(upgradeRequest(target)),
    );
  });
}

/** The HTTP upgrade request for a target. */
export function upgradeRequest(target: Target): string {
  return (
    `GET ${target.path} HTTP/1.1\r\n` +
    `Host: ${target.host}:${target.port}\r\n` +
    'Upgrade: websocket\r\nConnection: Upgrade\r\n' +
    'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n' +
    (target.deflate
      ? 'Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n'
      : '') +
    '\r\n'
  );
}

/** Reads one whole unfragmented server frame (handshake phase only), or `null` if incomplete. */
function readSmallFrame(
  buf: Buffer,
): { payload: Buffer; compressed: boolean; size: number } | null {
  if (buf.length < 2) return null;
  let len = (buf[1] as number) & 0x7f;
  let header = 2;
  if (len === 126) {
    if (buf.length < 4) return null;
    len = buf.readUInt16BE(2);
    header = 4;
  } else if (len === 127) {
    return { payload: Buffer.alloc(0), compressed: false, size: buf.length };
  }
  if (buf.length < header + len) return null;
  const compressed = ((buf[0] as number) & 0x40) !== 0;
  return { payload: buf.subarray(header, header + len), compressed, size: header + len };
}

/** Loopback source addresses 127.0.0.2 … 127.0.0.(1+count), to use round-robin. */
export function sourceAddresses(count: number): string[] {
  return Array.from({ length: count }, (_, i) => `127.0.0.${2 + i}`);
}
