import type { IncomingHttpHeaders } from 'node:http2';
import type { HeaderFields } from '../handler/request.js';
import { knownVersion, SUPPORTED_VERSIONS, type HandshakeCheck } from './handshake.js';

/**
 * The HTTP/2 side of the opening handshake (RFC 8441 §4–5; docs/semantics.md §3): an extended
 * `CONNECT` with `:protocol: websocket` replaces HTTP/1.1's `GET` + `Upgrade`, and 200 replaces
 * 101. There is no `Sec-WebSocket-Key` (the stream is already the peer's own), no `Connection` or
 * `Upgrade` header (HTTP/2 forbids them), and no 426: its `Upgrade` header cannot be sent over
 * HTTP/2, so, as Cowboy does, a request that is not a WebSocket handshake gets a plain 400.
 */

/** What a `CONNECT` stream asks for. */
export type ConnectKind =
  /** An extended CONNECT (`:protocol` present): a handshake for that protocol at `:path`. */
  | 'extended'
  /** A classic CONNECT (a tunnel to `:authority`): rodeo does not proxy — 501, as Cowboy answers. */
  | 'tunnel'
  /** Not a CONNECT: a plain request, for the server's request handler. */
  | 'plain';

/**
 * Headers a response may not carry over HTTP/2 (RFC 9113 §8.2.2): connection-specific ones, left
 * out as Cowboy does; and `content-length`, which rodeo sets itself.
 */
const NOT_OVER_HTTP2 = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'upgrade',
  'http2-settings',
  'te',
  'content-length',
]);

/** Which kind of request a new stream carries. */
export function connectKind(headers: IncomingHttpHeaders): ConnectKind {
  if (headers[':method'] !== 'CONNECT') return 'plain';
  return headers[':protocol'] === undefined ? 'tunnel' : 'extended';
}

/**
 * Checks an extended CONNECT on a WebSocket route: a `:protocol` other than `websocket` → 400; a
 * missing `sec-websocket-version` → 400; one rodeo does not speak → 400 with the versions it
 * speaks (RFC 6455 §4.4's "such as 426" cannot apply: see above). Node's HTTP/2 layer has already
 * refused a CONNECT whose `:protocol` the server did not enable, or without `:path` or `:scheme`.
 */
export function checkExtendedConnect(headers: IncomingHttpHeaders): HandshakeCheck {
  const version = headers['sec-websocket-version'];
  if (headers[':protocol']?.toLowerCase() !== 'websocket' || typeof version !== 'string') {
    return { type: 'reject', status: 400, headers: {} };
  }
  const known = knownVersion(version);
  if (known === undefined) {
    return {
      type: 'reject',
      status: 400,
      headers: { 'sec-websocket-version': SUPPORTED_VERSIONS },
    };
  }
  return { type: 'accept', version: known };
}

/**
 * Response headers as an HTTP/2 header block: lower-case names, repeated names as lists, and
 * what HTTP/2 may not carry left out (see `NOT_OVER_HTTP2`).
 */
export function http2Fields(
  headers: HeaderFields | readonly (readonly [string, string])[],
): Record<string, string | string[]> {
  const fields: Record<string, string | string[]> = {};
  const entries = Array.isArray(headers) ? headers : Object.entries(headers);
  for (const [name, value] of entries as [string, string | readonly string[] | undefined][]) {
    const lower = name.toLowerCase();
    if (value === undefined || NOT_OVER_HTTP2.has(lower)) continue;
    for (const one of typeof value === 'string' ? [value] : value) {
      const before = fields[lower];
      if (before === undefined) fields[lower] = one;
      else if (typeof before === 'string') fields[lower] = [before, one];
      else before.push(one);
    }
  }
  return fields;
}
