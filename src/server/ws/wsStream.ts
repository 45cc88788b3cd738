import { constants, type ServerHttp2Stream } from 'node:http2';
import { Duplex } from 'node:stream';
import type { ConnectionPlan } from '../../operators/plan.js';
import type { ServerContext } from '../serverContext.js';
import type { TransportSink } from '../transport.js';
import { forwardStreamResets } from './socketEvents.js';
import { negotiateOnStream, websocketOnStream } from './wsStreamInternals.js';
import { WsTransport } from './wsTransport.js';
import { prepared, transportLimits, wsOptionSet } from './wsUpgrade.js';

/**
 * The WebSocket of an HTTP/2 extended CONNECT (RFC 8441), by ws: the same option sets, deflate
 * negotiation, limits and transport as over HTTP/1.1, on the CONNECT stream instead of a socket.
 * The HTTP/2 answer (200 and its headers) is the caller's; this side says what it must carry.
 */

/** A handshake ready to be answered. */
export interface StreamHandshake {
  /** The `sec-websocket-extensions` value the 200 must carry, if compression was agreed. */
  readonly extensions: string | undefined;
  /** Opens the WebSocket on the stream; call right after the 200 went out. */
  open(): WsTransport;
}

/**
 * Prepares the WebSocket `plan` describes on `stream`; `offer` is the request's
 * `sec-websocket-extensions`.
 */
export function prepareOnStream(
  server: ServerContext,
  stream: ServerHttp2Stream,
  offer: string | undefined,
  plan: ConnectionPlan<unknown>,
): StreamHandshake {
  const options = wsOptionSet(server, plan, offer);
  const wsServer = server.pool.get(options);
  const negotiation = negotiateOnStream(wsServer, options.compress === false ? undefined : offer);
  return {
    extensions: negotiation.extensions,
    open: () =>
      new WsStreamTransport(
        prepared(websocketOnStream(wsServer, stream, negotiation)),
        stream,
        transportLimits(server, plan),
      ),
  };
}

/**
 * A `WsTransport` on an HTTP/2 stream. The stream is a duplex like a socket, with three
 * differences: the peer can reset it alone (reported as a typed reason, see
 * `forwardStreamResets`); ending it abruptly is a RST_STREAM with `CANCEL`, the HTTP/2 counterpart
 * of a TCP reset (RFC 8441 §5), which leaves the connection's other streams alone; and once the
 * closing handshake is over and the server has ended its side (END_STREAM, as a server closes the
 * TCP connection first, RFC 6455 §7.1.1), the stream is reset with `NO_ERROR` (RFC 9113 §8.1)
 * instead of waiting for the peer to end its own side: Chromium never does, so the stream — and a
 * server's `close()` — would otherwise wait for `shutdownTimeout`.
 */
export class WsStreamTransport extends WsTransport {
  readonly #stream: ServerHttp2Stream;

  constructor(
    ws: WsTransport['ws'],
    stream: ServerHttp2Stream,
    limits: ConstructorParameters<typeof WsTransport>[2],
  ) {
    super(ws, stream, limits);
    this.#stream = stream;
    // Every abrupt end — rodeo's, and ws's own (its close timer, `terminate`) — goes through the
    // stream's `destroy()`, which Node answers with RST_STREAM NO_ERROR: make it CANCEL.
    stream.destroy = destroyWithCancel;
    // ws ends the stream once the close frames are exchanged (or the peer ended first).
    stream.once('finish', closeWhenEnded);
  }

  override listen(sink: TransportSink): void {
    super.listen(sink);
    forwardStreamResets(this.#stream);
  }

  override destroy(): void {
    this.#stream.destroy();
  }
}

/** Our side is ended and flushed: the WebSocket is over, the stream need not stay half-open. */
function closeWhenEnded(this: ServerHttp2Stream): void {
  if (!this.closed) this.close(constants.NGHTTP2_NO_ERROR);
}

/** `destroy()` of a WebSocket's stream: a stream still open is reset with CANCEL first. */
function destroyWithCancel(this: ServerHttp2Stream, error?: Error): ServerHttp2Stream {
  if (error === undefined && !this.closed) {
    // Node destroys the stream itself once the RST_STREAM is out (calling this again, closed).
    this.close(constants.NGHTTP2_CANCEL);
    return this;
  }
  return Duplex.prototype.destroy.call(this, error) as ServerHttp2Stream;
}
