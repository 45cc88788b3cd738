import { STATUS_CODES } from 'node:http';
import { constants, type IncomingHttpHeaders, type ServerHttp2Stream } from 'node:http2';
import type { HeaderFields, UpgradeRequest } from '../handler/request.js';
import type { ConnectionPlan } from '../operators/plan.js';
import { checkExtendedConnect, http2Fields } from './connectHandshake.js';
import type { Accepted, UpgradeExchange } from './exchange.js';
import type { HandshakeCheck } from './handshake.js';
import { streamSnapshot, type ParsedTarget } from './requestSnapshot.js';
import type { ServerContext } from './serverContext.js';
import { streamEndReason } from './streamReset.js';
import { prepareOnStream } from './ws/wsStream.js';

/**
 * An HTTP/2 extended CONNECT (RFC 8441): one stream of a connection that may carry other requests
 * and other WebSockets. Answers are HEADERS on that stream — refusals end it, leaving the
 * connection alone — and the WebSocket runs on the stream itself (`prepareOnStream`).
 */
export class Http2Exchange implements UpgradeExchange {
  readonly httpVersion = 'HTTP/2';
  readonly #stream: ServerHttp2Stream;
  readonly #headers: IncomingHttpHeaders;

  constructor(stream: ServerHttp2Stream, headers: IncomingHttpHeaders) {
    this.#stream = stream;
    this.#headers = headers;
  }

  get target(): string {
    return this.#headers[':path'] ?? '/';
  }

  hold(): void {
    this.#stream.on('error', ignoreEarlyError);
  }

  check(): HandshakeCheck {
    return checkExtendedConnect(this.#headers);
  }

  snapshot(params: Readonly<Record<string, string>>, target: ParsedTarget): UpgradeRequest {
    return streamSnapshot(this.#headers, params, target, peerOf(this.#stream));
  }

  answer(
    status: number,
    headers: HeaderFields | readonly (readonly [string, string])[],
    body?: string | Uint8Array,
  ): unknown {
    return answerOnStream(this.#stream, status, headers, body);
  }

  accept(server: ServerContext, plan: ConnectionPlan<unknown>, _version: 7 | 8 | 13): Accepted {
    const stream = this.#stream;
    // The peer reset the stream (or the connection went) while init ran.
    if (stream.closed || stream.destroyed) return { type: 'gone', reason: streamEndReason(stream) };
    const offer = this.#headers['sec-websocket-extensions'];
    const handshake = prepareOnStream(server, stream, offer, plan);
    const fields = http2Fields(plan.headers);
    if (plan.protocol !== null) fields['sec-websocket-protocol'] = plan.protocol;
    if (handshake.extensions !== undefined) {
      fields['sec-websocket-extensions'] = handshake.extensions;
    }
    try {
      stream.respond({ ...fields, ':status': 200 });
    } catch (error) {
      // Headers HTTP/2 cannot carry (a single-value header given twice): init's mistake.
      return { type: 'refused', error };
    }
    const transport = handshake.open();
    stream.off('error', ignoreEarlyError);
    return { type: 'open', transport };
  }

  abort(): void {
    if (!this.#stream.closed) this.#stream.close(constants.NGHTTP2_INTERNAL_ERROR);
  }
}

/**
 * Answers a stream with a complete response and closes it. Returns `undefined`, or the error that
 * kept `headers` from being sent (Node refuses, e.g., a single-value header given twice): the
 * answer is then a 500 without them. After the response, the stream is reset with `NO_ERROR`
 * (RFC 9113 §8.1): the peer had left it open for a WebSocket, and must not keep it open.
 */
export function answerOnStream(
  stream: ServerHttp2Stream,
  status: number,
  headers: HeaderFields | readonly (readonly [string, string])[],
  body: string | Uint8Array = STATUS_CODES[status] ?? '',
): unknown {
  if (stream.closed || stream.destroyed || stream.headersSent) return undefined;
  let failed: unknown;
  try {
    respondWith(stream, status, http2Fields(headers), body);
  } catch (error) {
    failed = error;
    respondWith(stream, 500, {}, STATUS_CODES[500] ?? '');
  }
  stream.close(constants.NGHTTP2_NO_ERROR);
  return failed;
}

function respondWith(
  stream: ServerHttp2Stream,
  status: number,
  fields: Record<string, string | string[]>,
  body: string | Uint8Array,
): void {
  const payload = typeof body === 'string' ? Buffer.from(body) : body;
  const head: Record<string, string | string[] | number> = { ...fields, ':status': status };
  if (payload.length > 0) {
    head['content-length'] = payload.length;
    head['content-type'] ??= 'text/plain';
  }
  stream.respond(head, { endStream: payload.length === 0 });
  if (payload.length > 0) stream.end(payload);
}

/** The peer's address, through the connection the stream belongs to. */
function peerOf(stream: ServerHttp2Stream): { remoteAddress?: string; remotePort?: number } {
  try {
    const socket = stream.session?.socket;
    return { remoteAddress: socket?.remoteAddress ?? '', remotePort: socket?.remotePort ?? 0 };
  } catch {
    // Node throws once the session has let go of its socket (the peer is gone).
    return {};
  }
}

function ignoreEarlyError(): void {
  // The upgrade path writes its answer (or gives up) on its own; the error needs no handling here.
}
