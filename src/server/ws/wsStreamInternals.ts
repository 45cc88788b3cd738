import type { Duplex } from 'node:stream';
import * as wsModule from 'ws';
import WebSocket, { type WebSocketServer } from 'ws';

/**
 * A ws WebSocket on a stream that is already open — an HTTP/2 extended CONNECT stream (RFC 8441),
 * or a socket rodeo has answered 101 on — by ws's own machinery. ws has no public way to run a
 * WebSocket over an arbitrary duplex: its server builds one in `completeUpgrade` as
 * `new WebSocket(null, …)`, stores the negotiated extensions in `_extensions`, writes the HTTP/1.1
 * 101 and hands the socket to `setSocket`. This module replays those steps but the answer (the
 * 101, or over HTTP/2 a 200), which the caller writes,
 * with the options of the same cached WebSocketServer an HTTP/1.1 upgrade would use, so both
 * carry identically configured WebSockets. Besides `wsInternals.ts`, it is the only module that
 * touches ws internals; each step is checked, so a ws release that changed them fails loudly.
 */

interface ExtensionParser {
  parse(header: string): Record<string, Record<string, unknown>[] | undefined>;
  format(extensions: Record<string, Record<string, unknown>[]>): string;
}

interface Deflate {
  accept(offers: Record<string, unknown>[]): Record<string, unknown>;
}

interface OpenableWebSocket {
  _extensions: Record<string, Deflate>;
  _receiver: object | null;
  setSocket(socket: Duplex, head: Buffer, options: Record<string, unknown>): void;
}

/** What one stream's handshake negotiated. */
export interface StreamNegotiation {
  /** The `sec-websocket-extensions` value to answer with, if permessage-deflate was agreed. */
  readonly extensions: string | undefined;
  /** The negotiated extension objects, for `websocketOnStream`. */
  readonly agreed: Readonly<Record<string, Deflate>>;
}

const DEFLATE = 'permessage-deflate';
const NOTHING: StreamNegotiation = { extensions: undefined, agreed: {} };
const EMPTY = Buffer.alloc(0);

/**
 * Negotiates permessage-deflate for a handshake that `server` would take, as its `handleUpgrade`
 * does (RFC 7692). The caller has already checked that the offer is acceptable
 * (`acceptsDeflateOffer`); a server without compression negotiates nothing.
 */
export function negotiateOnStream(
  server: WebSocketServer,
  offer: string | undefined,
): StreamNegotiation {
  const options = server.options;
  if (typeof options.perMessageDeflate !== 'object' || offer === undefined) return NOTHING;
  // Exported by ws's ESM entry, though @types/ws does not declare them.
  const { extension, PerMessageDeflate } = wsModule as unknown as {
    extension: ExtensionParser;
    PerMessageDeflate: new (options: object) => Deflate;
  };
  const offers = extension.parse(offer)[DEFLATE];
  if (offers === undefined) return NOTHING;
  const deflate = new PerMessageDeflate({
    ...options.perMessageDeflate,
    isServer: true,
    maxPayload: options.maxPayload,
  });
  const params = deflate.accept(offers);
  return { extensions: extension.format({ [DEFLATE]: [params] }), agreed: { [DEFLATE]: deflate } };
}

/**
 * Opens a server-side WebSocket on `stream` with `server`'s options and the extensions
 * `negotiateOnStream` agreed on; `head` is what the peer sent past its request (HTTP/1.1).
 * Throws `ws internals changed: …` if ws no longer works this way.
 */
export function websocketOnStream(
  server: WebSocketServer,
  stream: Duplex,
  negotiation: StreamNegotiation,
  head: Buffer = EMPTY,
): WebSocket {
  const options = server.options;
  // `null` as the address makes a server-side WebSocket (ws's own completeUpgrade does the same).
  const ws = new WebSocket(null as unknown as string, undefined, options) as unknown as
    OpenableWebSocket | undefined;
  if (
    ws === undefined ||
    typeof ws.setSocket !== 'function' ||
    typeof ws._extensions !== 'object' ||
    ws._receiver !== null
  ) {
    throw new Error('ws internals changed: WebSocket#setSocket or #_extensions not found');
  }
  ws._extensions = { ...negotiation.agreed };
  ws.setSocket(stream, head, {
    allowSynchronousEvents: options.allowSynchronousEvents,
    maxBufferedChunks: options.maxBufferedChunks,
    maxFragments: options.maxFragments,
    maxPayload: options.maxPayload,
    skipUTF8Validation: options.skipUTF8Validation,
  });
  const opened = ws as unknown as WebSocket;
  if (opened.readyState !== WebSocket.OPEN || ws._receiver === null) {
    throw new Error('ws internals changed: WebSocket#setSocket did not open the WebSocket');
  }
  return opened;
}
