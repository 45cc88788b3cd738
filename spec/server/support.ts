import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import WebSocket from 'ws';
import { serve, type RodeoServer, type Routes, type ServeOptions } from '../../src/index.js';

/**
 * Helpers for server specs: servers on port 0 and `ws` clients, all closed after each spec. The raw
 * TCP peer (malformed bytes, old handshakes) is in `rawPeer.ts`.
 */

const open: { close(): Promise<void> | void }[] = [];

/** Closes everything opened through these helpers (call in `afterEach`). */
export async function closeAll(): Promise<void> {
  const all = open.splice(0).reverse();
  for (const item of all) await item.close();
}

/** Registers something to close after the spec. */
export function track<T extends { close(): Promise<void> | void }>(item: T): T {
  open.push(item);
  return item;
}

/** Starts a server on 127.0.0.1:0. */
export async function start(
  routes: Routes,
  options: Omit<ServeOptions, 'routes'> = {},
): Promise<RodeoServer> {
  return track(await serve({ shutdownTimeout: 2000, ...options, routes }));
}

/**
 * Starts a plain `node:http` server on 127.0.0.1:0 that answers every request with `plain` (or
 * runs `listener`; `null` leaves adding one to the caller), for `attach` specs; closed after the
 * spec.
 */
export async function plainHttpServer(
  listener: http.RequestListener | null = (_req, res) => res.end('plain'),
): Promise<{ server: http.Server; port: number }> {
  const server = http.createServer();
  if (listener) server.on('request', listener);
  return { server, port: await listenForSpec(server) };
}

/**
 * Makes `server` (any framework's `node:http` server) listen on 127.0.0.1:0 and close, with its
 * connections, after the spec.
 *
 * @return The port.
 */
export async function listenForSpec(server: http.Server): Promise<number> {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  track({
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  });
  return (server.address() as AddressInfo).port;
}

/** `ws://` URL of a path on a server. */
export function wsUrl(server: RodeoServer, path: string): string {
  return `${server.url.replace('http', 'ws')}${path}`;
}

interface Inbox {
  readonly messages: { data: Buffer; isBinary: boolean }[];
  readonly waiters: (() => void)[];
}

const inboxes = new WeakMap<WebSocket, Inbox>();

/** What a plain HTTP request got: status, body, and the `Upgrade` header if any. */
export interface PlainAnswer {
  status: number;
  body: string;
  upgrade?: string | undefined;
}

/** A plain GET (`headers` may add `Upgrade: websocket` without `Connection: Upgrade`). */
export function plainGet(
  url: string,
  headers: http.OutgoingHttpHeaders = {},
): Promise<PlainAnswer> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { headers }, (res) => {
        let body = '';
        res.on('data', (chunk: Buffer) => (body += chunk.toString()));
        res.on('end', () => {
          const upgrade = res.headers.upgrade;
          resolve({ status: res.statusCode ?? 0, body, ...(upgrade ? { upgrade } : {}) });
        });
      })
      .on('error', reject);
  });
}

/**
 * Opens a ws client and waits for the open event. Messages are queued from the start, since the
 * server may send in the same packet as its 101.
 */
export async function client(
  url: string,
  options: WebSocket.ClientOptions = {},
): Promise<WebSocket> {
  const ws = new WebSocket(url, options);
  track({ close: () => ws.terminate() });
  keepInbox(ws);
  await once(ws, 'open');
  return ws;
}

/**
 * Queues what `ws` receives from now on, for `message`, and ignores its errors (specs look at
 * close codes). `client()` does it for its sockets; HTTP/2 clients call it themselves.
 */
export function keepInbox(ws: WebSocket): void {
  const inbox: Inbox = { messages: [], waiters: [] };
  inboxes.set(ws, inbox);
  ws.on('message', (data: Buffer, isBinary: boolean) => {
    inbox.messages.push({ data, isBinary });
    for (const wake of inbox.waiters.splice(0)) wake();
  });
  ws.on('error', () => undefined);
}

/** The next message a client received (in order). */
export async function message(ws: WebSocket): Promise<{ data: Buffer; isBinary: boolean }> {
  const inbox = inboxes.get(ws);
  if (inbox === undefined) throw new Error('not a client() socket');
  for (;;) {
    const next = inbox.messages.shift();
    if (next !== undefined) return next;
    await new Promise<void>((resolve) => inbox.waiters.push(resolve));
  }
}

/** The close code and reason a client received. */
export async function closed(ws: WebSocket): Promise<{ code: number; reason: string }> {
  if (ws.readyState === WebSocket.CLOSED) throw new Error('already closed');
  const [code, reason] = (await once(ws, 'close')) as [number, Buffer];
  return { code, reason: reason.toString() };
}

export { encodeFrame, rawPeer, rawRequest, RawPeer, upgradeHeaders } from './rawPeer.js';
export type { FrameSpec, RawFrame, RawRequestOptions, RawResponse } from './rawPeer.js';
