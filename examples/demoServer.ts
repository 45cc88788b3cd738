/**
 * The demo server: a node:http server (or, with a certificate, a node:http2 server speaking HTTP/2
 * and HTTP/1.1) with a static page at `/` and rodeo attached for
 * `/echo`, `/pipeline-echo`, `/chat` and `/clock`, every route behind the demo's policy (Origin
 * check, idle timeout, keepalive pings). `demo.ts` runs it; tests start it on port 0.
 */
import { once } from 'node:events';
import { readFile } from 'node:fs/promises';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Http2ServerRequest, Http2ServerResponse } from 'node:http2';
import type { AddressInfo } from 'node:net';
import { attach, LocalRegistry, type Metrics, type Registry } from '../src/index.js';
import { chatHandler, type ChatOptions } from './chat.js';
import { clockHandler } from './clock.js';
import { demoHttp, type DemoTls } from './demoHttp.js';
import { echoHandler } from './echo.js';
import { SELF } from './origins.js';
import { pipelineEchoHandler } from './pipeline-echo.js';
import { withPolicy, type RoutePolicy } from './routePolicy.js';

/** Where and how to run the demo. */
export interface DemoOptions {
  /** TCP port; 0 picks a free one (default 8080). */
  readonly port?: number | undefined;
  /** Interface to listen on (default `127.0.0.1`: this machine only). */
  readonly host?: string | undefined;
  /** Origins whose pages may open sockets (default `['self']`: the demo's own page). */
  readonly allowedOrigins?: readonly string[] | undefined;
  /** Milliseconds without received data before a connection ends, on every route (default 60 000). */
  readonly idleTimeout?: number | undefined;
  /**
   * Milliseconds without received data before the server pings, on every route (default 25 000,
   * or half of a shorter `idleTimeout`; `Infinity`: never). Browsers answer pings but never send them, so a page that only listens
   * (the clock) stays connected through `idleTimeout` only thanks to these.
   */
  readonly keepalive?: number | undefined;
  /** Most TCP connections at once, page requests included (default 1000). */
  readonly maxConnections?: number | undefined;
  /** Milliseconds a client has to send a whole HTTP request, page or upgrade (default 10 000). */
  readonly requestTimeout?: number | undefined;
  /** `maxFrameSize` of `/echo` in bytes (default: rodeo's 1 MiB). */
  readonly echoMaxFrameSize?: number | undefined;
  /** Milliseconds between `/clock` ticks (default 1000). */
  readonly clockInterval?: number | undefined;
  /** Chat limits and clock (default: the chat's own). */
  readonly chat?: ChatOptions | undefined;
  /**
   * A certificate and key: serve the page and every route over HTTPS, HTTP/2 and HTTP/1.1 on the
   * same port (default: plain HTTP/1.1).
   */
  readonly tls?: DemoTls | undefined;
  /** Names and groups (default: a new `LocalRegistry`; `RedisRegistry` to share them). */
  readonly registry?: Registry | undefined;
  /** Sent as `X-Served-By` in every 101 response: which process took a connection. */
  readonly servedBy?: string | undefined;
}

/** A running demo. */
export interface Demo {
  /** The page's address, e.g. `http://127.0.0.1:8080/` (`https://…` with TLS). */
  readonly url: string;
  readonly port: number;
  /** rodeo's counters; `upgraded` says which HTTP version carried each WebSocket. */
  readonly metrics: Metrics;
  /** Closes every WebSocket with 1001 (running each `terminate`), then the HTTP server; idempotent. */
  close(): Promise<void>;
}

/** Default most connections at once. */
export const DEFAULT_MAX_CONNECTIONS = 1000;

/** Default milliseconds a client has to send a whole HTTP request (the page, or an upgrade). */
export const DEFAULT_REQUEST_TIMEOUT = 10_000;

/** Default idle timeout of every route, in milliseconds (rodeo's own default). */
export const DEFAULT_IDLE_TIMEOUT = 60_000;

/** Default keepalive of every route: a ping after 25 s of silence, well within the idle timeout. */
export const DEFAULT_KEEPALIVE = 25_000;

/** The keepalive for an idle timeout: {@link DEFAULT_KEEPALIVE}, or half of a shorter timeout. */
export function defaultKeepalive(idleTimeout: number): number {
  return Math.min(DEFAULT_KEEPALIVE, idleTimeout / 2);
}

const PAGE = new URL('./public/index.html', import.meta.url);

/**
 * Starts the demo and resolves once it listens.
 *
 * @param options Port, host, policy and example settings.
 * @return The page's address and a graceful `close`.
 */
export async function startDemo(options: DemoOptions = {}): Promise<Demo> {
  const page = await readFile(PAGE);
  const registry = options.registry ?? new LocalRegistry();
  const idleTimeout = options.idleTimeout ?? DEFAULT_IDLE_TIMEOUT;
  const policy: RoutePolicy = {
    allowedOrigins: options.allowedOrigins ?? [SELF],
    connection: {
      idleTimeout,
      keepalive: options.keepalive ?? defaultKeepalive(idleTimeout),
      ...(options.servedBy === undefined ? {} : { headers: { 'X-Served-By': options.servedBy } }),
    },
  };
  const echo =
    options.echoMaxFrameSize === undefined ? {} : { maxFrameSize: options.echoMaxFrameSize };
  const clock = options.clockInterval === undefined ? {} : { interval: options.clockInterval };
  // A client holding a request open (headers one byte at a time) must not keep a connection slot
  // for Node's default minute; Node checks every second and answers 408.
  const requestTimeout = options.requestTimeout ?? DEFAULT_REQUEST_TIMEOUT;
  const { server, scheme, closeConnections } = demoHttp(options.tls, requestTimeout);
  server.maxConnections = options.maxConnections ?? DEFAULT_MAX_CONNECTIONS;
  const rodeo = attach(server, {
    registry,
    routes: {
      '/echo': withPolicy(echoHandler(echo), policy),
      '/pipeline-echo': withPolicy(pipelineEchoHandler(), policy),
      '/chat': withPolicy(chatHandler(registry, options.chat), policy),
      '/clock': withPolicy(clockHandler(clock), policy),
    },
  });
  (server as Server).on('request', (req: PageRequest, res: PageResponse) => {
    if (!rodeo.requireUpgrade(req, res)) servePage(page, req, res);
  });
  const host = options.host ?? '127.0.0.1';
  server.listen(options.port ?? 8080, host);
  await once(server, 'listening'); // rejects with the 'error' (e.g. EADDRINUSE) instead
  const port = (server.address() as AddressInfo).port;
  let closing: Promise<void> | undefined;
  const close = async (): Promise<void> => {
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    await rodeo.close();
    // A page request still in flight (or a client that never finishes one) must not hold us up.
    closeConnections();
    await closed;
  };
  const shown = host === '0.0.0.0' || host === '::' ? 'localhost' : host;
  return {
    url: `${scheme}://${shown.includes(':') ? `[${shown}]` : shown}:${port}/`,
    port,
    metrics: rodeo.metrics,
    close: () => (closing ??= close()),
  };
}

type PageRequest = IncomingMessage | Http2ServerRequest;
type PageResponse = ServerResponse | Http2ServerResponse;

/** The page at `/` (GET and HEAD), 404 for anything else. */
function servePage(page: Buffer, req: PageRequest, res: PageResponse): void {
  const path = (req.url ?? '/').split('?')[0];
  if ((req.method === 'GET' || req.method === 'HEAD') && (path === '/' || path === '/index.html')) {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
    if (req.method === 'HEAD') res.end();
    else res.end(page);
    return;
  }
  res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('not found\n');
}
