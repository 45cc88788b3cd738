import type { Server } from 'node:http';
import { createSecureServer, type Http2SecureServer, type ServerHttp2Session } from 'node:http2';
import type { Socket } from 'node:net';
import type { TlsOptions } from 'node:tls';
import { MAX_TIMER_DELAY } from '../operators/idleClock.js';
import { closeIdleHttp2Sessions } from './http2Idle.js';
import { takeHttp2Streams } from './http2Streams.js';
import { checkingInterval, plainRequests, serveHttp1, type Served } from './httpServing.js';
import { DEFAULT_MAX_CONCURRENT_STREAMS } from './limits.js';
import type { ServeOptions } from './options.js';
import { closeRuntime, type ServerRuntime } from './runtime.js';

/**
 * `serve` with TLS and HTTP/2: one port, HTTP/2 or HTTP/1.1 per connection by ALPN, WebSockets
 * over both (extended CONNECT streams, HTTP/1.1 upgrades). Beyond what Node does by itself, it
 * bounds how long a connection may stay idle without any stream (`closeIdleHttp2Sessions`), and
 * closes in order: 1001 to every WebSocket, then GOAWAY to every HTTP/2 connection.
 */

/** Creates the server; `serve` makes it listen. */
export function http2Server(
  runtime: ServerRuntime,
  options: ServeOptions & { readonly tls: TlsOptions },
  handshakeTimeout: number,
): Served<Http2SecureServer> {
  const settings = typeof options.http2 === 'object' ? options.http2.settings : undefined;
  const server = createSecureServer(
    {
      handshakeTimeout: Math.min(handshakeTimeout, MAX_TIMER_DELAY),
      ...options.tls,
      allowHTTP1: true,
      settings: {
        maxConcurrentStreams: DEFAULT_MAX_CONCURRENT_STREAMS,
        ...settings,
        enableConnectProtocol: true,
      },
    },
    plainRequests(runtime),
  );
  // The HTTP/1.1 side: Node runs its HTTP/1.1 server code on these connections, timeouts included.
  const http1 = server as unknown as Server & { connectionsCheckingInterval: number };
  http1.connectionsCheckingInterval = checkingInterval(handshakeTimeout);
  serveHttp1(http1, runtime, handshakeTimeout);
  takeHttp2Streams(server, runtime.context);
  const sessions = new Set<ServerHttp2Session>();
  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  server.on('session', (session: ServerHttp2Session) => {
    sessions.add(session);
    session.once('close', () => sessions.delete(session));
  });
  closeIdleHttp2Sessions(server, handshakeTimeout);
  return {
    server,
    scheme: 'https',
    close: () => closeAll(runtime, server, sessions, sockets),
  };
}

/**
 * 1001 to every WebSocket (HTTP/2 streams and HTTP/1.1 sockets alike), then GOAWAY to every HTTP/2
 * connection, then, after `shutdownTimeout` at most, whatever connection is still open is
 * destroyed.
 */
async function closeAll(
  runtime: ServerRuntime,
  server: Http2SecureServer,
  sessions: ReadonlySet<ServerHttp2Session>,
  sockets: ReadonlySet<Socket>,
): Promise<void> {
  const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
  await closeRuntime(runtime);
  for (const session of sessions) session.close();
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<void>((resolve) => {
    if (runtime.shutdownTimeout <= MAX_TIMER_DELAY) {
      timer = setTimeout(resolve, runtime.shutdownTimeout);
    }
  });
  await Promise.race([stopped, expired]);
  clearTimeout(timer);
  for (const socket of sockets) socket.destroy();
  await stopped;
}
