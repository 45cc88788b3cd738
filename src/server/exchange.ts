import type { TerminateReason } from '../handler/reasons.js';
import type { HeaderFields, HttpVersion, UpgradeRequest } from '../handler/request.js';
import type { ConnectionPlan } from '../operators/plan.js';
import type { HandshakeCheck } from './handshake.js';
import type { ParsedTarget } from './requestSnapshot.js';
import type { ServerContext } from './serverContext.js';
import type { Transport } from './transport.js';

/**
 * The HTTP side of one WebSocket handshake, whatever HTTP version carries it: an HTTP/1.1 upgrade
 * (`GET` + `Upgrade: websocket`, then 101 and the connection is the socket) or an HTTP/2 extended
 * `CONNECT` (RFC 8441: 200, and one stream of a shared connection is the socket). The upgrade path
 * (`handleUpgrade`) decides — route, checks, `init`, plan — through this port only, so both
 * versions take the same decisions by the same code; each exchange only speaks its version.
 */

/** How an accepted handshake went. */
export type Accepted =
  /** The WebSocket is open on this transport. */
  | { readonly type: 'open'; readonly transport: Transport }
  /**
   * The peer left before the answer (`reason` says how): no connection, and nothing more to
   * answer.
   */
  | { readonly type: 'gone'; readonly reason: TerminateReason }
  /**
   * The version cannot carry what `init` planned (e.g. response headers HTTP/2 refuses): nothing
   * was sent; the caller answers 500 and `terminate` gets `crash` from `init` with `error`.
   */
  | { readonly type: 'refused'; readonly error: unknown };

/** One handshake in progress. */
export interface UpgradeExchange {
  readonly httpVersion: HttpVersion;
  /** The request target as sent (path and query). */
  readonly target: string;
  /**
   * Takes charge of the socket or stream: until the WebSocket is open, its errors (a reset during
   * `init`) are ignored — the path answers or gives up on its own — rather than left unhandled.
   */
  hold(): void;
  /** Whether the request is a well-formed WebSocket handshake, and which version it asks for. */
  check(): HandshakeCheck;
  /** The request as `init` sees it. */
  snapshot(params: Readonly<Record<string, string>>, target: ParsedTarget): UpgradeRequest;
  /**
   * Answers with plain HTTP and ends the exchange. Returns `undefined`, or the error that kept
   * the headers from being sent as given (500 was sent instead).
   */
  answer(
    status: number,
    headers: HeaderFields | readonly (readonly [string, string])[],
    body?: string | Uint8Array,
  ): unknown;
  /** Sends the success answer with what `plan` negotiated and opens the WebSocket. */
  accept(server: ServerContext, plan: ConnectionPlan<unknown>, version: 7 | 8 | 13): Accepted;
  /** Drops the exchange at once (a bug in rodeo was caught; nothing more can be answered). */
  abort(): void;
}
