import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { hash } from 'node:crypto';
import type WebSocket from 'ws';
import type { ConnectionPlan } from '../../operators/plan.js';
import { fragmentLimit, wsSize } from '../limits.js';
import type { ServerContext } from '../serverContext.js';
import { endReceiverOnce } from './wsEnds.js';
import { fragmentFloodIsTooBig } from './wsInternals.js';
import { failFastOnInvalidUtf8 } from './wsUtf8.js';
import { acceptsDeflateOffer, type WsOptionSet } from './wsServers.js';
import { negotiateOnStream, websocketOnStream } from './wsStreamInternals.js';
import { WsTransport } from './wsTransport.js';

/** RFC 6455 §4.2.2: appended to the client's key before hashing it into `Sec-WebSocket-Accept`. */
const ACCEPT_GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';

/**
 * The 101 on HTTP/1.1: the options `init` planned pick a cached ws server (its options become the
 * WebSocket's), the 101 carries the accept key, the chosen subprotocol, the agreed compression and
 * `init`'s headers, and the upgraded socket becomes a `WsTransport`. rodeo writes the 101 itself
 * and opens the WebSocket as over HTTP/2 (`websocketOnStream`): the request was already checked
 * (`checkHandshake`) and `init` chose the subprotocol, so ws's `handleUpgrade` would only check it
 * all again. Returns `undefined` if the peer left during `init` (as ws's `completeUpgrade` gives
 * up): no connection was made, and the caller releases the socket.
 */
export function acceptWithWs(
  server: ServerContext,
  req: IncomingMessage,
  socket: Duplex,
  head: Buffer,
  plan: ConnectionPlan<unknown>,
): WsTransport | undefined {
  const offer = req.headers['sec-websocket-extensions'];
  const options = wsOptionSet(server, plan, offer);
  if (!socket.readable || !socket.writable) return undefined;
  const wsServer = server.pool.get(options);
  const negotiation = negotiateOnStream(wsServer, options.compress === false ? undefined : offer);
  const key = req.headers['sec-websocket-key'] ?? '';
  const lines = [
    'HTTP/1.1 101 Switching Protocols',
    'Upgrade: websocket',
    'Connection: Upgrade',
    `Sec-WebSocket-Accept: ${hash('sha1', key + ACCEPT_GUID, 'base64')}`,
  ];
  if (plan.protocol !== null) lines.push(`Sec-WebSocket-Protocol: ${plan.protocol}`);
  if (negotiation.extensions !== undefined) {
    lines.push(`Sec-WebSocket-Extensions: ${negotiation.extensions}`);
  }
  for (const [name, value] of plan.headers) lines.push(`${name}: ${value}`);
  socket.write(`${lines.join('\r\n')}\r\n\r\n`);
  const ws = websocketOnStream(wsServer, socket, negotiation, head);
  return new WsTransport(prepared(ws), socket, transportLimits(server, plan));
}

/**
 * The ws options of a connection, whatever carries it: compression only if `init` asked for it and
 * the peer's `offer` (its `Sec-WebSocket-Extensions`) has an acceptable one, and the size limits.
 */
export function wsOptionSet(
  server: ServerContext,
  plan: ConnectionPlan<unknown>,
  offer: string | undefined,
): WsOptionSet {
  const compress = plan.compress !== false && acceptsDeflateOffer(offer, plan.compress);
  return {
    compress: compress ? plan.compress : false,
    maxPayload: wsSize(plan.maxFrameSize),
    maxFragments: wsSize(server.maxFragments ?? fragmentLimit(plan.maxFrameSize)),
    validateUtf8: plan.validateUtf8,
  };
}

/** rodeo's changes to a fresh ws WebSocket: fragment floods close with 1009, UTF-8 fails fast. */
export function prepared(ws: WebSocket): WebSocket {
  fragmentFloodIsTooBig(ws);
  failFastOnInvalidUtf8(ws);
  endReceiverOnce(ws);
  return ws;
}

/** The bounds a transport enforces for a connection. */
export function transportLimits(
  server: ServerContext,
  plan: ConnectionPlan<unknown>,
): ConstructorParameters<typeof WsTransport>[2] {
  return {
    maxQueueBytes: server.maxQueueBytes,
    meter: server.metrics,
    maxFragments: server.maxFragments,
    maxMessageSize: plan.maxFrameSize,
  };
}
