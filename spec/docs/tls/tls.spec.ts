/**
 * The examples of docs/tls-and-http2.md over real TLS with a throwaway certificate: a WebSocket
 * over an HTTP/2 stream and one over HTTP/1.1 on the same port, and the answers to plain requests.
 */
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { h2Connect, h2Request, openH2, useCertificate } from '../../server/h2Peer.js';
import { closed, keepInbox, message, track } from '../../server/support.js';
import { startHttp2App } from './http2Attach.js';
import { startSecureEcho } from './tlsServer.js';

const certificate = useCertificate();

/** A wss:// client over HTTP/1.1 that accepts the self-signed certificate. */
async function wssClient(url: string): Promise<WebSocket> {
  const ws = new WebSocket(url, { rejectUnauthorized: false });
  track({ close: () => ws.terminate() });
  keepInbox(ws);
  await once(ws, 'open');
  return ws;
}

describe('docs/tls-and-http2.md', () => {
  it('serve with tls: the same route over HTTP/2 and over HTTP/1.1', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'rodeo-tls-'));
    track({ close: () => rmSync(folder, { recursive: true, force: true }) });
    writeFileSync(join(folder, 'key.pem'), certificate().key);
    writeFileSync(join(folder, 'cert.pem'), certificate().cert);
    const server = track(
      await startSecureEcho(join(folder, 'key.pem'), join(folder, 'cert.pem'), 0),
    );
    expect(server.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const { ws } = await openH2(await h2Connect(server.url), '/echo');
    ws.send('over h2');
    expect((await message(ws)).data.toString()).toBe('over h2');
    const http1 = await wssClient(`${server.url.replace('https', 'wss')}/echo`);
    http1.send('over 1.1');
    expect((await message(http1)).data.toString()).toBe('over 1.1');
    expect(server.metrics.upgraded).toEqual({ 'HTTP/1.1': 1, 'HTTP/2': 1 });
  });

  it('attach to a node:http2 server: its page, the WebSocket, 400 for a plain GET /echo', async () => {
    const { server, rodeo } = startHttp2App(certificate().key, certificate().cert, 0);
    await once(server, 'listening');
    track({ close: () => new Promise<void>((resolve) => server.close(() => resolve())) });
    track(rodeo);
    const url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const session = await h2Connect(url);
    expect(await h2Request(session, { ':path': '/' })).toMatchObject({
      status: 200,
      body: 'your page',
    });
    expect(await h2Request(session, { ':path': '/echo' })).toMatchObject({ status: 400 });
    const { ws } = await openH2(session, '/echo');
    ws.send('howdy');
    expect((await message(ws)).data.toString()).toBe('howdy');
    const goingAway = closed(ws);
    await rodeo.close();
    expect((await goingAway).code).toBe(1001);
  });
});
