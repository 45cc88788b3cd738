import { execFile } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import http2, { type ClientHttp2Session, type ClientHttp2Stream } from 'node:http2';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import tls, { type TLSSocket } from 'node:tls';
import { promisify } from 'node:util';
import * as wsModule from 'ws';
import WebSocket from 'ws';
import { afterEach, beforeAll } from 'vitest';
import type { RodeoServer, ServeOptions } from '../../src/index.js';
import { closeAll, keepInbox, start, track } from './support.js';

/**
 * HTTP/2 peers for server specs: a throwaway self-signed certificate made with openssl, Node's
 * `http2` client, and WebSockets over extended CONNECT streams (RFC 8441) run by ws on the client
 * side — through ws internals, as the server does, since ws has no public client for it.
 */

/** A certificate and its key, PEM. */
export interface Certificate {
  readonly key: Buffer;
  readonly cert: Buffer;
}

/** What a CONNECT got when it was not answered 200. */
export interface Refusal {
  readonly status: number;
  readonly headers: http2.IncomingHttpHeaders;
  readonly body: string;
}

/** An open WebSocket over an HTTP/2 stream, with the 200's headers. */
export interface StreamSocket {
  readonly ws: WebSocket;
  readonly stream: ClientHttp2Stream;
  readonly headers: http2.IncomingHttpHeaders;
}

interface Deflate {
  offer(): Record<string, unknown>;
  accept(response: Record<string, unknown>[]): Record<string, unknown>;
}

const run = promisify(execFile);

/**
 * Waits for a stream's 'close' and one more turn of the event loop: Node 20's HTTP/2 client spins
 * forever if its session is destroyed while it is still inside a stream's close (another stream
 * open).
 */
async function afterClose(closing: Promise<unknown>): Promise<void> {
  await closing;
  await new Promise((resolve) => setImmediate(resolve));
}

/**
 * Reads a response to its end, then ends our side too: a CONNECT's request side stays open until
 * the client ends it, unless the server resets the stream.
 */
async function readBody(stream: ClientHttp2Stream, closing: Promise<unknown>): Promise<string> {
  const chunks: Buffer[] = [];
  stream.on('data', (chunk: Buffer) => chunks.push(chunk));
  if (!stream.readableEnded) await once(stream, 'end').catch(() => undefined);
  if (!stream.closed) stream.close();
  await afterClose(closing);
  return Buffer.concat(chunks).toString();
}

/** Makes a self-signed certificate for 127.0.0.1 in a temp dir (removed at once). */
export async function makeCertificate(): Promise<Certificate> {
  const dir = await mkdtemp(join(tmpdir(), 'rodeo-cert-'));
  try {
    const key = join(dir, 'key.pem');
    const cert = join(dir, 'cert.pem');
    await run('/usr/bin/openssl', [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1,DNS:localhost',
      '-days',
      '1',
      '-keyout',
      key,
      '-out',
      cert,
    ]);
    return { key: await readFile(key), cert: await readFile(cert) };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** The TLS socket under each client connection, for `dropConnection`. */
const sockets = new WeakMap<ClientHttp2Session, TLSSocket>();

/**
 * For a spec file: a certificate made once before its first spec (read it through the returned
 * function), and everything the specs opened closed after each.
 */
export function useCertificate(): () => Certificate {
  let certificate: Certificate | undefined;
  beforeAll(async () => {
    certificate = await makeCertificate();
  });
  afterEach(closeAll);
  return () => {
    if (certificate === undefined) throw new Error('no certificate before the specs run');
    return certificate;
  };
}

/** `serve` with TLS on port 0 (HTTP/2 and HTTP/1.1), and an HTTP/2 connection to it. */
export async function secureServer(
  certificate: Certificate,
  routes: ServeOptions['routes'],
  options: Partial<ServeOptions> = {},
): Promise<{ server: RodeoServer; session: ClientHttp2Session }> {
  const server = await start(routes, { tls: certificate, ...options });
  return { server, session: await h2Connect(server.url) };
}

/** Opens an HTTP/2 connection (self-signed certificates accepted), closed after the spec. */
export async function h2Connect(url: string): Promise<ClientHttp2Session> {
  let socket: TLSSocket | undefined;
  const session = http2.connect(url, {
    createConnection: (authority: URL) =>
      (socket = tls.connect({
        host: authority.hostname,
        port: Number(authority.port),
        ALPNProtocols: ['h2'],
        rejectUnauthorized: false,
      })),
  });
  if (socket !== undefined) sockets.set(session, socket);
  session.on('error', () => undefined);
  track({
    close: async () => {
      await new Promise((resolve) => setImmediate(resolve));
      session.destroy();
    },
  });
  await once(session, 'remoteSettings');
  return session;
}

/** Cuts the TCP connection under `session` at once: no GOAWAY, no RST_STREAM, just gone. */
export function dropConnection(session: ClientHttp2Session): void {
  sockets.get(session)?.destroy();
}

/** Sends a request on `session` and reads the whole response. */
export async function h2Request(
  session: ClientHttp2Session,
  headers: http2.OutgoingHttpHeaders,
): Promise<Refusal> {
  const stream = session.request(headers);
  const closing = once(stream, 'close').catch(() => undefined);
  stream.on('error', () => undefined);
  const [response] = (await once(stream, 'response')) as [http2.IncomingHttpHeaders];
  const body = await readBody(stream, closing);
  return { status: Number(response[':status']), headers: response, body };
}

/** The headers of a WebSocket handshake for `path` (RFC 8441 §4), plus `extra`. */
export function connectHeaders(
  session: ClientHttp2Session,
  path: string,
  extra: http2.OutgoingHttpHeaders = {},
): http2.OutgoingHttpHeaders {
  return {
    ':method': 'CONNECT',
    ':protocol': 'websocket',
    ':scheme': 'https',
    ':path': path,
    ':authority': `127.0.0.1:${session.socket.remotePort ?? 0}`,
    'sec-websocket-version': '13',
    ...extra,
  };
}

/**
 * Opens a WebSocket on a new stream of `session`: resolves with it once the server answered 200,
 * or with what it answered instead. `compress` offers permessage-deflate.
 */
export async function h2WebSocket(
  session: ClientHttp2Session,
  path: string,
  options: { readonly headers?: http2.OutgoingHttpHeaders; readonly compress?: boolean } = {},
): Promise<StreamSocket | Refusal> {
  const { extension, PerMessageDeflate } = wsModule as unknown as {
    extension: { format(value: object): string; parse(header: string): Record<string, never[]> };
    PerMessageDeflate: new (options: object) => Deflate;
  };
  const deflate = options.compress === true ? new PerMessageDeflate({ isServer: false }) : null;
  const offer =
    deflate === null
      ? {}
      : {
          'sec-websocket-extensions': extension.format({ 'permessage-deflate': [deflate.offer()] }),
        };
  const stream = session.request(connectHeaders(session, path, { ...offer, ...options.headers }));
  const closing = once(stream, 'close').catch(() => undefined);
  stream.on('error', () => undefined);
  const [headers] = (await once(stream, 'response')) as [http2.IncomingHttpHeaders];
  const status = Number(headers[':status']);
  if (status !== 200) return { status, headers, body: await readBody(stream, closing) };
  const ws = new WebSocket(null as unknown as string, undefined, {
    closeTimeout: 5000,
    autoPong: true,
  } as WebSocket.ClientOptions);
  const internals = ws as unknown as {
    _isServer: boolean;
    _extensions: Record<string, Deflate>;
    setSocket(socket: ClientHttp2Stream, head: Buffer, options: object): void;
  };
  internals._isServer = false;
  const agreed = headers['sec-websocket-extensions'];
  if (deflate !== null && typeof agreed === 'string') {
    deflate.accept(extension.parse(agreed)['permessage-deflate'] ?? []);
    internals._extensions = { 'permessage-deflate': deflate };
  }
  internals.setSocket(stream, Buffer.alloc(0), { maxPayload: 64 * 1024 * 1024 });
  keepInbox(ws);
  return { ws, stream, headers };
}

/** `h2WebSocket` that must succeed. */
export async function openH2(
  session: ClientHttp2Session,
  path: string,
  options: Parameters<typeof h2WebSocket>[2] = {},
): Promise<StreamSocket> {
  const opened = await h2WebSocket(session, path, options);
  if (!('ws' in opened)) throw new Error(`expected 200, got ${opened.status}`);
  return opened;
}
