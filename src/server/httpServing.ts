import type { IncomingMessage, Server } from 'node:http';
import type { Http2ServerRequest, Http2ServerResponse } from 'node:http2';
import type { ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { MAX_TIMER_DELAY } from '../operators/idleClock.js';
import { Http1Exchange } from './http1Exchange.js';
import { closeRuntime, type ServerRuntime } from './runtime.js';
import { answerPlainRequest } from './plainRequest.js';
import { handleUpgrade } from './upgrade.js';

/**
 * What `serve` sets up on every server it runs, plain, HTTPS or HTTP/2 with HTTP/1.1: the answer
 * to plain requests, HTTP/1.1 upgrades into rodeo, Node's request timeouts, and the answer to a
 * request Node's parser refuses.
 */

/** A server `serve` built, and how to close it. */
export interface Served<S> {
  readonly server: S;
  /** `http` or `https`. */
  readonly scheme: 'http' | 'https';
  /** Stops accepting, shuts rodeo's connections down, then closes the server's own. */
  close(): Promise<void>;
}

/**
 * The request listener of a server that serves only WebSocket routes: a plain request on a route
 * gets 426 (400 over HTTP/2, or for a malformed handshake), any other 404.
 */
export function plainRequests(
  runtime: ServerRuntime,
): (req: IncomingMessage | Http2ServerRequest, res: ServerResponse | Http2ServerResponse) => void {
  const routes = runtime.context.routes;
  return (req, res) => {
    if (!answerPlainRequest(routes, req, res)) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('Not Found');
    }
  };
}

/**
 * Takes HTTP/1.1 upgrades into rodeo and bounds how long a client may take to send a request:
 * Node's defaults (60 s for headers, 5 min for a request) let a slow client hold a socket long.
 * Node checks these timeouts every `connectionsCheckingInterval`, set where the server is made.
 */
export function serveHttp1(server: Server, runtime: ServerRuntime, handshakeTimeout: number): void {
  server.headersTimeout = Math.min(handshakeTimeout, MAX_TIMER_DELAY);
  server.requestTimeout = Math.min(handshakeTimeout, MAX_TIMER_DELAY);
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    void handleUpgrade(runtime.context, new Http1Exchange(req, socket, head));
  });
  // A malformed request line must not throw; Node answers 400 when this listener ends the socket.
  // A slow client's request past handshakeTimeout gets 408, as Node's own handler would answer.
  // Anything else (a reset, a failed TLS handshake) has no HTTP to answer with.
  server.on('clientError', (err: Error & { code?: string }, socket: Duplex) => {
    const timeout = err.code === 'ERR_HTTP_REQUEST_TIMEOUT';
    if (!socket.writable || !(timeout || err.code?.startsWith('HPE_') === true)) {
      return void socket.destroy();
    }
    const status = timeout ? '408 Request Timeout' : '400 Bad Request';
    socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\n\r\n`);
  });
}

/** Node checks its header and request timeouts on this interval: keep the overshoot small. */
export function checkingInterval(handshakeTimeout: number): number {
  return Math.min(1000, Math.max(50, handshakeTimeout / 4));
}

/** Closes an HTTP/1.1 server (plain or HTTPS) and rodeo's connections on it. */
export async function closeHttp1(runtime: ServerRuntime, server: Server): Promise<void> {
  const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeIdleConnections();
  await closeRuntime(runtime);
  server.closeAllConnections();
  await stopped;
}
