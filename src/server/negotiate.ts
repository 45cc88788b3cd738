import { headerList, type UpgradeRequest } from '../handler/request.js';

/**
 * Helpers for `init`: rodeo leaves subprotocol and Origin decisions to the handler (as Cowboy does)
 * but spares it the header parsing.
 */

/**
 * The first of the server's `supported` subprotocols that the peer offered in
 * `Sec-WebSocket-Protocol`, or `undefined`. The server's order wins, so it decides preference.
 * Pass the result as {@link UpgradeOptions.protocol}; `undefined` accepts with no subprotocol
 * (or answer {@link respond} if one is required).
 *
 * ```ts
 * init: (req) => upgrade(state, { protocol: chooseProtocol(req, ['v2.chat', 'v1.chat']) })
 * ```
 */
export function chooseProtocol(
  req: UpgradeRequest,
  supported: readonly string[],
): string | undefined {
  const offered = new Set(headerList(req.headers['sec-websocket-protocol']));
  return supported.find((protocol) => offered.has(protocol));
}

/**
 * Whether the request's Origin is in `allowed` (exact, case-insensitive; `'*'` allows any). Versions
 * 7 and 8 send `Sec-WebSocket-Origin` instead of `Origin`; both are read. A request without an
 * Origin (a non-browser client) is allowed only by `'*'`.
 *
 * Browsers send cookies with a WebSocket handshake from any page, so a server that trusts
 * cookies must check the Origin (cross-site WebSocket hijacking):
 *
 * ```ts
 * init: (req) => (allowOrigins(req, ['https://example.com']) ? upgrade(state) : respond(403))
 * ```
 */
export function allowOrigins(req: UpgradeRequest, allowed: readonly string[]): boolean {
  if (allowed.includes('*')) return true;
  const origin = headerList(req.headers.origin ?? req.headers['sec-websocket-origin'])[0];
  if (origin === undefined) return false;
  const lower = origin.toLowerCase();
  return allowed.some((one) => one.toLowerCase() === lower);
}
