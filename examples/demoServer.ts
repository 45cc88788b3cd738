/**
 * The demo server: a plain node:http server with a static page at `/` and rodeo attached for
 * `/echo`, `/pipeline-echo`, `/chat` and `/clock`. `demo.ts` runs it; tests start it on port 0.
 */
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { attach, LocalRegistry } from '../src/index.js';
import { chatHandler } from './chat.js';
import { clockHandler } from './clock.js';
import { echoHandler } from './echo.js';
import { pipelineEchoHandler } from './pipeline-echo.js';

/** Where and how to run the demo. */
export interface DemoOptions {
  /** TCP port; 0 picks a free one (default 8080). */
  readonly port?: number | undefined;
  /** Interface to listen on (default `0.0.0.0`). */
  readonly host?: string | undefined;
  /** `maxFrameSize` of `/echo` in bytes (default: rodeo's 1 MiB). */
  readonly echoMaxFrameSize?: number | undefined;
  /** Milliseconds between `/clock` ticks (default 1000). */
  readonly clockInterval?: number | undefined;
}

/** A running demo. */
export interface Demo {
  /** The page's address, e.g. `http://localhost:8080/`. */
  readonly url: string;
  readonly port: number;
  /** Closes every WebSocket with 1001 (running each `terminate`), then the HTTP server; idempotent. */
  close(): Promise<void>;
}

const PAGE = new URL('./public/index.html', import.meta.url);

/**
 * Starts the demo and resolves once it listens.
 *
 * @param options Port, host and example settings.
 * @return The page's address and a graceful `close`.
 */
export async function startDemo(options: DemoOptions = {}): Promise<Demo> {
  const page = await readFile(PAGE);
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (
      (req.method === 'GET' || req.method === 'HEAD') &&
      (path === '/' || path === '/index.html')
    ) {
      res.writeHead(200, {
        'content-type': 'text/html; charset=utf-8',
        'cache-control': 'no-store',
      });
      res.end(req.method === 'HEAD' ? undefined : page);
      return;
    }
    res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('not found\n');
  });
  const registry = new LocalRegistry();
  const echo =
    options.echoMaxFrameSize === undefined ? {} : { maxFrameSize: options.echoMaxFrameSize };
  const clock = options.clockInterval === undefined ? {} : { interval: options.clockInterval };
  const rodeo = attach(server, {
    registry,
    routes: {
      '/echo': echoHandler(echo),
      '/pipeline-echo': pipelineEchoHandler(),
      '/chat': chatHandler(registry),
      '/clock': clockHandler(clock),
    },
  });
  const port = await listen(server, options.port ?? 8080, options.host ?? '0.0.0.0');
  const host = options.host === undefined || isWildcard(options.host) ? 'localhost' : options.host;
  let closing: Promise<void> | undefined;
  const close = async (): Promise<void> => {
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    await rodeo.close();
    server.closeIdleConnections();
    await closed;
  };
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}/`,
    port,
    close: () => (closing ??= close()),
  };
}

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

function isWildcard(host: string): boolean {
  return host === '0.0.0.0' || host === '::';
}
