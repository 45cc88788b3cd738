import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type WebSocket from 'ws';
import type { ConnectionPlan } from '../../operators/plan.js';
import { fragmentLimit, wsSize } from '../limits.js';
import type { ServerContext } from '../serverContext.js';
import { endReceiverOnce } from './wsEnds.js';
import { failFastOnInvalidUtf8, fragmentFloodIsTooBig } from './wsInternals.js';
import { acceptsDeflateOffer, type WsOptionSet } from './wsServers.js';
import { WsTransport } from './wsTransport.js';

/**
 * The 101 on HTTP/1.1, by ws: the options `init` planned become a ws server's options, the
 * response carries the chosen subprotocol and headers, and the upgraded socket becomes a
 * `WsTransport`. Returns `undefined` if ws gave up (the peer left during `init`, or a header ws
 * refuses): no connection was made, and the caller releases the socket.
 */
export function acceptWithWs(
  server: ServerContext,
  req: IncomingMessage,
  socket: Duplex,
  head: Buffer,
  plan: ConnectionPlan<unknown>,
  version: 7 | 8 | 13,
): WsTransport | undefined {
  const options = wsOptionSet(server, plan, req.headers['sec-websocket-extensions']);
  // ws only speaks 8 and 13; 7 has the same handshake and framing (RFC 6455 drafts 07–17).
  if (version === 7) req.headers['sec-websocket-version'] = '13';
  server.pool.extras(req, {
    protocol: plan.protocol ?? undefined,
    headers: plan.headers.map(([name, value]) => `${name}: ${value}`),
  });
  let transport: WsTransport | undefined;
  // ws calls back synchronously: no verifyClient is set.
  server.pool.get(options).handleUpgrade(req, socket, head, (ws: WebSocket) => {
    transport = new WsTransport(prepared(ws), socket, transportLimits(server, plan));
  });
  return transport;
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
