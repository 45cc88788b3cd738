import type { IncomingMessage } from 'node:http';
import type { Headers, Request } from '../handler/request.js';

/**
 * Turns a Node request into rodeo's plain `Request` snapshot, so handlers never hold `node:http`
 * objects (and the socket behind them) longer than the handshake.
 */

/** The path and the query of a request target. */
export interface ParsedTarget {
  readonly path: string;
  readonly query: Readonly<Record<string, string>>;
}

/** Splits `/a/b?x=1` into path and query; repeated keys keep their last value. */
export function parseTarget(url: string): ParsedTarget {
  const index = url.indexOf('?');
  const path = index === -1 ? url : url.slice(0, index);
  const query: Record<string, string> = {};
  if (index !== -1) {
    for (const [key, value] of new URLSearchParams(url.slice(index + 1))) query[key] = value;
  }
  return { path: path === '' ? '/' : path, query };
}

/** A snapshot of `req` with the route's parameters. */
export function requestSnapshot(
  req: IncomingMessage,
  params: Readonly<Record<string, string>>,
  headers: Headers = req.headers,
): Request {
  const url = req.url ?? '/';
  const { path, query } = parseTarget(url);
  return Object.freeze({
    method: req.method ?? 'GET',
    url,
    path,
    params: Object.freeze({ ...params }),
    query: Object.freeze(query),
    headers: Object.freeze({ ...headers }),
    remoteAddress: req.socket.remoteAddress ?? '',
    remotePort: req.socket.remotePort ?? 0,
  });
}
