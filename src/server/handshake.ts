import { STATUS_CODES, type IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { WebSocketVersion } from '../handler/context.js';
import { someHeaderItem, type HeaderFields } from '../handler/request.js';

/**
 * The HTTP side of the opening handshake (RFC 6455 §4.1, §4.2.1; docs/semantics.md §3): what
 * makes a request a WebSocket upgrade, and how refusals are written on the raw socket.
 */

/** What a handshake check decided. */
export type HandshakeCheck =
  | { readonly type: 'accept'; readonly version: WebSocketVersion }
  | { readonly type: 'reject'; readonly status: 400 | 426; readonly headers: HeaderFields };

const KEY = /^[+/0-9A-Za-z]{22}==$/;
const VERSIONS: Readonly<Record<string, WebSocketVersion>> = { '7': 7, '8': 8, '13': 13 };

/** `Sec-WebSocket-Version` values rodeo speaks, newest first (RFC 6455 §4.4). */
export const SUPPORTED_VERSIONS = '13, 8, 7';

/** Whether a request asks for a WebSocket at all (`Upgrade: websocket`). */
export function asksForWebSocket(req: IncomingMessage): boolean {
  return hasToken(req.headers.upgrade, 'websocket');
}

/**
 * Checks an upgrade request on a WebSocket route: not a WebSocket upgrade → 426 with
 * `Upgrade: websocket`; malformed → 400; unknown version → 426 with the versions rodeo speaks.
 *
 * Malformed includes what Node's parser lets through to the `upgrade` event: a request line of
 * another HTTP version than 1.1 (RFC 6455 §4.1 asks for 1.1; HTTP/1.0 has no Upgrade mechanism),
 * and a missing, empty or repeated `Host` (RFC 6455 §4.1, RFC 9112 §3.2; Node's
 * `requireHostHeader` only guards plain requests).
 */
export function checkHandshake(req: IncomingMessage): HandshakeCheck {
  if (!asksForWebSocket(req)) {
    return reject(426, { Upgrade: 'websocket', Connection: 'Upgrade' });
  }
  const key = req.headers['sec-websocket-key'];
  const version = req.headers['sec-websocket-version'];
  if (
    req.method !== 'GET' ||
    req.httpVersionMajor !== 1 ||
    req.httpVersionMinor !== 1 ||
    !hasOneHost(req) ||
    !hasToken(req.headers.connection, 'upgrade') ||
    typeof key !== 'string' ||
    !KEY.test(key.trim()) ||
    typeof version !== 'string'
  ) {
    return reject(400, {});
  }
  const known = knownVersion(version);
  if (known === undefined) return reject(426, { 'Sec-WebSocket-Version': SUPPORTED_VERSIONS });
  return { type: 'accept', version: known };
}

/** The WebSocket version a `Sec-WebSocket-Version` value names, if rodeo speaks it. */
export function knownVersion(value: string): WebSocketVersion | undefined {
  return VERSIONS[value.trim()];
}

/**
 * Writes a complete HTTP/1.1 response on a socket that left Node's HTTP parser (an upgrade), then
 * closes it once written. Never throws: the socket may already be gone.
 */
export function writeHttpResponse(
  socket: Duplex,
  status: number,
  headers: HeaderFields | readonly (readonly [string, string])[],
  body: string | Uint8Array = STATUS_CODES[status] ?? '',
): void {
  if (socket.destroyed || !socket.writable) {
    socket.destroy();
    return;
  }
  const payload = typeof body === 'string' ? Buffer.from(body) : Buffer.from(body);
  const lines = [`HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Unknown'}`];
  const seen = new Set<string>();
  const entries = Array.isArray(headers) ? headers : Object.entries(headers);
  for (const [name, value] of entries as [string, string | readonly string[] | undefined][]) {
    const lower = name.toLowerCase();
    // rodeo frames the body itself: a second length or a chunked encoding would corrupt it.
    if (value === undefined || lower === 'content-length' || lower === 'transfer-encoding')
      continue;
    seen.add(lower);
    for (const one of Array.isArray(value) ? value : [value]) lines.push(`${name}: ${String(one)}`);
  }
  if (!seen.has('connection')) lines.push('Connection: close');
  if (!seen.has('content-type') && payload.length > 0) lines.push('Content-Type: text/plain');
  lines.push(`Content-Length: ${payload.length}`);
  socket.once('finish', () => socket.destroy());
  socket.end(Buffer.concat([Buffer.from(`${lines.join('\r\n')}\r\n\r\n`), payload]));
}

function reject(status: 400 | 426, headers: HeaderFields): HandshakeCheck {
  return { type: 'reject', status, headers };
}

/** Exactly one non-empty `Host` (Node keeps only the first of repeated ones in `headers`). */
function hasOneHost(req: IncomingMessage): boolean {
  const host = req.headers.host;
  if (host === undefined || host.trim() === '') return false;
  const raw = req.rawHeaders;
  let seen = 0;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i] as string;
    if (name.length === 4 && name.toLowerCase() === 'host' && ++seen > 1) return false;
  }
  return true;
}

/** Whether a token list header names `token` (lower-case), in any case. */
function hasToken(header: string | readonly string[] | undefined, token: string): boolean {
  return someHeaderItem(
    header,
    (item) => item.length === token.length && item.toLowerCase() === token,
  );
}
