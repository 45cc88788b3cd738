import { once } from 'node:events';
import http2, { type Http2SecureServer, type ServerHttp2Stream } from 'node:http2';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { attach, closeIdleHttp2Sessions, reasons } from '../../src/index.js';
import { probe } from '../fixtures/serverHandlers.js';
import {
  connectHeaders,
  h2Connect,
  h2Request,
  h2WebSocket,
  openH2,
  useCertificate,
} from './h2Peer.js';
import { client, closed, message, track } from './support.js';

/**
 * `attach` on a `node:http2` server: WebSockets over HTTP/2 (extended CONNECT) and, with
 * `allowHTTP1`, over HTTP/1.1, while the app keeps its own requests — with Node's compatibility
 * API (a `'request'` listener) or with its `'stream'` API.
 */

const certificate = useCertificate();

/** A secure HTTP/2 server on port 0 with `allowHTTP1`, closed after the spec. */
async function h2Server(
  setup: (server: Http2SecureServer) => void,
): Promise<{ server: Http2SecureServer; url: string }> {
  const server = http2.createSecureServer({ ...certificate(), allowHTTP1: true });
  setup(server);
  const sessions = new Set<http2.ServerHttp2Session>();
  server.on('session', (session) => sessions.add(session));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  track({
    close: () =>
      new Promise<void>((resolve) => {
        for (const session of sessions) session.destroy();
        server.close(() => resolve());
      }),
  });
  return { server, url: `https://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

describe('attach to an HTTP/2 server with the compatibility API', () => {
  it('serves WebSockets over HTTP/2 and HTTP/1.1 and leaves plain requests to the app', async () => {
    const echo = probe();
    const { server, url } = await h2Server((s) =>
      s.on('request', (req, res) => {
        if (!rodeo.requireUpgrade(req, res)) res.end(`app ${req.httpVersion}`);
      }),
    );
    const rodeo = track(attach(server, { routes: { '/echo': echo } }));
    const session = await h2Connect(url);
    expect(session.remoteSettings.enableConnectProtocol).toBe(true);
    const { ws: overH2 } = await openH2(session, '/echo');
    overH2.send('h2');
    expect(String((await message(overH2)).data)).toBe('h2');
    const overH1 = await client(`${url.replace('https', 'wss')}/echo`, {
      rejectUnauthorized: false,
    });
    overH1.send('h1');
    expect(String((await message(overH1)).data)).toBe('h1');
    expect((await h2Request(session, { ':path': '/page' })).body).toBe('app 2.0');
    expect((await h2Request(session, { ':path': '/echo' })).status).toBe(400);
    expect(rodeo.metrics.upgraded).toEqual({ 'HTTP/1.1': 1, 'HTTP/2': 1 });
  });

  it('answers 404 and 501 itself, unless another connect listener is there to', async () => {
    const { server, url } = await h2Server((s) => s.on('request', (_req, res) => res.end('app')));
    track(attach(server, { routes: { '/echo': probe() } }));
    const session = await h2Connect(url);
    const nowhere = await h2WebSocket(session, '/nowhere');
    expect('status' in nowhere && nowhere.status).toBe(404);
    const tunnel = { ':method': 'CONNECT', ':authority': 'example.com:443' };
    expect((await h2Request(session, tunnel)).status).toBe(501);
    server.on('connect', (req, res) => {
      if (req.headers[':path'] !== '/echo') res.writeHead(418).end();
    });
    const theirs = await h2WebSocket(session, '/nowhere');
    expect('status' in theirs && theirs.status).toBe(418);
    expect((await h2Request(session, tunnel)).status).toBe(418);
    await openH2(session, '/echo');
  });

  it('close() sends 1001 to its HTTP/2 WebSockets and gives CONNECT back to Node', async () => {
    const echo = probe();
    const { server, url } = await h2Server((s) => s.on('request', (_req, res) => res.end('app')));
    const rodeo = attach(server, { routes: { '/echo': echo } });
    const session = await h2Connect(url);
    const { ws } = await openH2(session, '/echo');
    const closing = closed(ws);
    await rodeo.close();
    expect((await closing).code).toBe(1001);
    expect((await echo.terminated()).reason).toEqual(reasons.shutdown);
    // Without rodeo's 'connect' listener, Node's compatibility layer answers CONNECT itself.
    const after = await h2WebSocket(session, '/echo');
    expect('status' in after && after.status).toBe(405);
  });
});

describe('closeIdleHttp2Sessions with attach', () => {
  it('sends GOAWAY to a connection left without streams, not to one with a WebSocket', async () => {
    const { server, url } = await h2Server((s) => s.on('request', (_req, res) => res.end('app')));
    track(attach(server, { routes: { '/echo': probe() } }));
    closeIdleHttp2Sessions(server, 150);
    const busy = await h2Connect(url);
    let busyGoaway = false;
    busy.on('goaway', () => (busyGoaway = true));
    const { ws } = await openH2(busy, '/echo');
    const idle = await h2Connect(url);
    expect((await h2Request(idle, { ':path': '/page' })).body).toBe('app');
    await once(idle, 'goaway');
    ws.send('alive');
    expect(String((await message(ws)).data)).toBe('alive');
    expect(busyGoaway).toBe(false);
  });
});

describe("attach to an HTTP/2 server with the 'stream' API", () => {
  it('takes its routes and leaves every other stream, CONNECT included, to the app', async () => {
    const { server, url } = await h2Server((s) =>
      s.on('stream', (stream: ServerHttp2Stream, headers) => {
        const ours = headers[':method'] === 'CONNECT' && headers[':path'] === '/echo';
        if (!ours) stream.respond({ ':status': 200 }, { endStream: true });
      }),
    );
    track(attach(server, { routes: { '/echo': probe() } }));
    const session = await h2Connect(url);
    const { ws } = await openH2(session, '/echo');
    ws.send('ok');
    expect(String((await message(ws)).data)).toBe('ok');
    expect((await h2Request(session, connectHeaders(session, '/theirs'))).status).toBe(200);
    const tunnel = { ':method': 'CONNECT', ':authority': 'example.com:443' };
    expect((await h2Request(session, tunnel)).status).toBe(200);
    expect((await h2Request(session, { ':path': '/page' })).status).toBe(200);
  });
});
