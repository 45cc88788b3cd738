import { once } from 'node:events';
import net from 'node:net';
import type { RodeoServer } from '../../src/index.js';
import { track } from './support.js';

/**
 * A raw TCP WebSocket peer for server specs: frames with any bits, lengths and masks, handshakes of
 * any version, and bytes sent together with the handshake.
 */

/** A frame read by the raw peer. */
export interface RawFrame {
  readonly fin: boolean;
  readonly rsv: number;
  readonly opcode: number;
  readonly payload: Buffer;
}

/** Options of a raw frame to send (masked unless told otherwise). */
export interface FrameSpec {
  readonly opcode: number;
  readonly payload?: Buffer | string;
  readonly fin?: boolean;
  readonly rsv?: number;
  readonly mask?: boolean;
  /** Override the length field (for bad-length cases). */
  readonly length?: number;
}

/** Encodes a client frame. */
export function encodeFrame(spec: FrameSpec): Buffer {
  const payload =
    typeof spec.payload === 'string'
      ? Buffer.from(spec.payload)
      : (spec.payload ?? Buffer.alloc(0));
  const length = spec.length ?? payload.length;
  const mask = spec.mask ?? true;
  const head: number[] = [((spec.fin ?? true) ? 0x80 : 0) | ((spec.rsv ?? 0) << 4) | spec.opcode];
  const maskBit = mask ? 0x80 : 0;
  if (length < 126) head.push(maskBit | length);
  else if (length < 65536) head.push(maskBit | 126, length >> 8, length & 0xff);
  else {
    head.push(maskBit | 127, 0, 0, 0, 0);
    head.push((length >>> 24) & 0xff, (length >>> 16) & 0xff, (length >>> 8) & 0xff, length & 0xff);
  }
  if (!mask) return Buffer.concat([Buffer.from(head), payload]);
  const key = Buffer.from([0x12, 0x34, 0x56, 0x78]);
  const masked = Buffer.from(payload);
  for (let i = 0; i < masked.length; i++)
    masked[i] = (masked[i] as number) ^ (key[i % 4] as number);
  return Buffer.concat([Buffer.from(head), key, masked]);
}

/** A raw TCP WebSocket peer. */
export class RawPeer {
  readonly socket: net.Socket;
  /** Every chunk as received (to check what arrived in one write). */
  readonly chunks: Buffer[] = [];
  #buffer = Buffer.alloc(0);
  #frames: RawFrame[] = [];
  #waiters: (() => void)[] = [];
  #ended = false;
  readonly ended: Promise<void>;

  constructor(socket: net.Socket) {
    this.socket = socket;
    socket.on('data', (chunk: Buffer) => {
      this.chunks.push(chunk);
      this.#buffer = Buffer.concat([this.#buffer, chunk]);
      this.#parse();
    });
    socket.on('error', () => undefined);
    this.ended = new Promise((resolve) =>
      socket.once('close', () => {
        this.#ended = true;
        this.#wake();
        resolve();
      }),
    );
  }

  /** Sends raw bytes. */
  write(bytes: Buffer | string): void {
    this.socket.write(bytes);
  }

  /** Sends one client frame. */
  send(spec: FrameSpec): void {
    this.socket.write(encodeFrame(spec));
  }

  /** The next frame from the server; rejects if the socket closes first. */
  async frame(): Promise<RawFrame> {
    for (;;) {
      const next = this.#frames.shift();
      if (next !== undefined) return next;
      if (this.#ended) throw new Error('socket closed before a frame arrived');
      await new Promise<void>((resolve) => this.#waiters.push(resolve));
    }
  }

  /** Reads frames until a close frame; returns its code (or `undefined` if empty). */
  async closeCode(): Promise<number | undefined> {
    for (;;) {
      const frame = await this.frame();
      if (frame.opcode === 0x8)
        return frame.payload.length >= 2 ? frame.payload.readUInt16BE(0) : undefined;
    }
  }

  #parse(): void {
    for (;;) {
      const b = this.#buffer;
      if (b.length < 2) break;
      let length = (b[1] as number) & 0x7f;
      let offset = 2;
      if (length === 126) {
        if (b.length < 4) break;
        length = b.readUInt16BE(2);
        offset = 4;
      } else if (length === 127) {
        if (b.length < 10) break;
        length = Number(b.readBigUInt64BE(2));
        offset = 10;
      }
      if (b.length < offset + length) break;
      const first = b[0] as number;
      this.#frames.push({
        fin: (first & 0x80) !== 0,
        rsv: (first >> 4) & 0x7,
        opcode: first & 0x0f,
        payload: b.subarray(offset, offset + length),
      });
      this.#buffer = b.subarray(offset + length);
    }
    this.#wake();
  }

  #wake(): void {
    for (const wake of this.#waiters.splice(0)) wake();
  }
}

/** An HTTP response read from a raw socket. */
export interface RawResponse {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: string;
  readonly peer: RawPeer;
}

const KEY = 'dGhlIHNhbXBsZSBub25jZQ==';

/** Standard upgrade request headers (version 13), to override per spec. */
export function upgradeHeaders(
  extra: Record<string, string | undefined> = {},
): Record<string, string> {
  const headers: Record<string, string | undefined> = {
    Host: 'localhost',
    Upgrade: 'websocket',
    Connection: 'Upgrade',
    'Sec-WebSocket-Key': KEY,
    'Sec-WebSocket-Version': '13',
    ...extra,
  };
  return Object.fromEntries(
    Object.entries(headers).filter((entry): entry is [string, string] => entry[1] !== undefined),
  );
}

/** What a raw request may change besides its headers. */
export interface RawRequestOptions {
  readonly method?: string;
  /** The version in the request line (default `1.1`). */
  readonly httpVersion?: string;
  /** Bytes written in the same packet as the request. */
  readonly after?: Buffer;
  /** Keep the peer's side open when the server's FIN arrives (Node ends it by default). */
  readonly allowHalfOpen?: boolean;
}

/**
 * Sends a request on a raw socket to a rodeo server (or any server listening on 127.0.0.1 at
 * `port`) and reads the response head (and, unless 101, the body until the server closes).
 */
export async function rawRequest(
  server: Pick<RodeoServer, 'port'>,
  path: string,
  headers: Record<string, string>,
  options: RawRequestOptions = {},
): Promise<RawResponse> {
  const socket = net.connect({
    port: server.port,
    host: '127.0.0.1',
    allowHalfOpen: options.allowHalfOpen ?? false,
  });
  track({ close: () => void socket.destroy() });
  await once(socket, 'connect');
  const head =
    `${options.method ?? 'GET'} ${path} HTTP/${options.httpVersion ?? '1.1'}\r\n` +
    Object.entries(headers)
      .map(([name, value]) => `${name}: ${value}\r\n`)
      .join('') +
    '\r\n';
  socket.write(Buffer.concat([Buffer.from(head), options.after ?? Buffer.alloc(0)]));
  let received = Buffer.alloc(0);
  for (;;) {
    const [chunk] = (await once(socket, 'data')) as [Buffer];
    received = Buffer.concat([received, chunk]);
    const end = received.indexOf('\r\n\r\n');
    if (end === -1) continue;
    const [statusLine, ...lines] = received.subarray(0, end).toString().split('\r\n');
    const status = Number((statusLine ?? '').split(' ')[1]);
    const parsed: Record<string, string> = {};
    for (const line of lines) {
      const colon = line.indexOf(':');
      parsed[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
    }
    const rest = received.subarray(end + 4);
    if (status === 101) {
      socket.pause();
      const peer = new RawPeer(socket);
      if (rest.length > 0) socket.emit('data', rest);
      socket.resume();
      return { status, headers: parsed, body: '', peer };
    }
    const peer = new RawPeer(socket);
    const length = Number(parsed['content-length'] ?? 0);
    let body = rest;
    while (body.length < length) {
      const [more] = (await once(socket, 'data')) as [Buffer];
      body = Buffer.concat([body, more]);
    }
    return { status, headers: parsed, body: body.toString(), peer };
  }
}

/** A raw upgraded peer on `path` (version 13 unless overridden). */
export async function rawPeer(
  server: RodeoServer,
  path: string,
  extra: Record<string, string | undefined> = {},
): Promise<RawPeer> {
  const response = await rawRequest(server, path, upgradeHeaders(extra));
  if (response.status !== 101) throw new Error(`expected 101, got ${response.status}`);
  return response.peer;
}
