/**
 * The demo's HTTP server: plain HTTP/1.1, or — given a certificate — HTTPS with HTTP/2 and
 * HTTP/1.1 on the same port (ALPN), so a browser opens the page and every WebSocket over one
 * HTTP/2 connection. Either way a client has `requestTimeout` to send a whole request, and closing
 * releases every connection.
 */
import { createServer, type Server } from 'node:http';
import { createSecureServer, type Http2SecureServer, type ServerHttp2Session } from 'node:http2';
import type { Socket } from 'node:net';
import { closeIdleHttp2Sessions } from '../src/index.js';

/** A PEM certificate chain and its private key. */
export interface DemoTls {
  readonly cert: string | Buffer;
  readonly key: string | Buffer;
}

/** The server, and what releases its connections once rodeo has closed its own. */
export interface DemoHttp {
  readonly server: Server | Http2SecureServer;
  readonly scheme: 'http' | 'https';
  /** GOAWAY to HTTP/2 connections, and every other connection (a page request) closed. */
  closeConnections(): void;
}

/** Creates the server (not listening yet). */
export function demoHttp(tls: DemoTls | undefined, requestTimeout: number): DemoHttp {
  // Node checks the request timeouts every second (or sooner): a slow request gets 408.
  const timeouts = {
    headersTimeout: requestTimeout,
    requestTimeout,
    connectionsCheckingInterval: Math.min(1000, requestTimeout),
  };
  if (tls === undefined) {
    const server = createServer(timeouts);
    return { server, scheme: 'http', closeConnections: () => server.closeAllConnections() };
  }
  const server = createSecureServer({
    cert: tls.cert,
    key: tls.key,
    allowHTTP1: true,
    handshakeTimeout: requestTimeout,
  });
  // Its HTTP/1.1 connections run Node's HTTP/1.1 server code, which reads these from the server.
  Object.assign(server, timeouts);
  // An HTTP/2 connection holds its slot while it has a stream open (a WebSocket); idle, it goes.
  closeIdleHttp2Sessions(server, requestTimeout);
  const sessions = new Set<ServerHttp2Session>();
  const sockets = new Set<Socket>();
  server.on('session', (session: ServerHttp2Session) => {
    sessions.add(session);
    session.once('close', () => sessions.delete(session));
  });
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  return {
    server,
    scheme: 'https',
    closeConnections: () => {
      for (const session of sessions) session.close();
      // What GOAWAY does not end by itself: HTTP/1.1 connections, unfinished handshakes.
      setImmediate(() => sockets.forEach((socket) => socket.destroy()));
    },
  };
}
