import { createServer, type Server } from 'node:http';
import type { BlockList } from 'node:net';
import { attach, ok, reply, text, upgrade, type Handler, type RodeoAttachment } from 'rodeo';
import { clientAddress } from './clientAddress.js';

/** How the app runs behind its proxy. */
export interface AppOptions {
  /** The proxies whose `X-Forwarded-For` is believed. */
  readonly trusted: BlockList;
  /** Server pings after this many ms of silence: keep it under the proxy's idle timeout. */
  readonly keepalive: number;
  /** How long the load balancer needs to notice a failing health check, in ms. */
  readonly drainDelay: number;
}

/** The app: its HTTP server, rodeo on it, and the way to stop both. */
export interface App {
  readonly server: Server;
  readonly rodeo: RodeoAttachment;
  /** Fail health checks, wait `drainDelay`, close every WebSocket (1001), stop the server. */
  shutdown(): Promise<void>;
}

/**
 * Greets each connection with the client's address, then echoes. A silent client is pinged every
 * `keepalive` ms, and one that has not answered by the next ping is closed (`timeout`).
 */
export function whoami(options: AppOptions): Handler<string> {
  return {
    init: (req) =>
      upgrade(clientAddress(req, options.trusted), {
        idleTimeout: 2 * options.keepalive,
        keepalive: options.keepalive,
      }),
    websocketInit: (client) => reply(text(`hello ${client}`), client),
    websocketHandle: (frame, client) => (frame.type === 'text' ? reply(frame, client) : ok(client)),
    websocketInfo: (_info, client) => ok(client),
  };
}

/**
 * A `node:http` server with a health check on `GET /healthz` (503 once draining), 426 for a plain
 * GET on the WebSocket route, and rodeo attached for the upgrades.
 */
export function createApp(options: AppOptions): App {
  let draining = false;
  const server = createServer();
  // `attach` leaves these to you; Node's defaults let a slow client hold a socket for minutes.
  server.headersTimeout = 10_000;
  server.requestTimeout = 10_000;
  const rodeo = attach(server, { routes: { '/ws': whoami(options) } });
  server.on('request', (req, res) => {
    if (rodeo.requireUpgrade(req, res)) return;
    if (req.url === '/healthz') {
      res.writeHead(draining ? 503 : 200, { 'Content-Type': 'text/plain' });
      res.end(draining ? 'draining\n' : 'ok\n');
    } else res.writeHead(404).end();
  });
  let stopping: Promise<void> | undefined;
  const stop = async (): Promise<void> => {
    draining = true;
    await new Promise((resolve) => setTimeout(resolve, options.drainDelay));
    await rodeo.close();
    const closed = new Promise((resolve) => server.close(resolve));
    server.closeIdleConnections();
    await closed;
  };
  return { server, rodeo, shutdown: () => (stopping ??= stop()) };
}

/** Shuts the app down on the first SIGTERM or SIGINT (pass a test's own emitter). */
export function shutdownOnSignal(
  app: App,
  signals: { once(signal: 'SIGTERM' | 'SIGINT', listener: () => void): unknown } = process,
): void {
  for (const signal of ['SIGTERM', 'SIGINT'] as const)
    signals.once(signal, () => void app.shutdown());
}
