import { createHash } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { attach, upgrade, type Routes, type WebSocketVersion } from '../../src/index.js';
import { probe } from '../fixtures/serverHandlers.js';
import {
  closeAll,
  plainHttpServer,
  rawRequest,
  start,
  track,
  upgradeHeaders,
  type RawRequestOptions,
} from './support.js';

afterEach(closeAll);

const KEY = 'dGhlIHNhbXBsZSBub25jZQ==';
const ACCEPT = createHash('sha1')
  .update(`${KEY}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`)
  .digest('base64');

describe('handshake checks', () => {
  it('answers 404 to an upgrade on an unknown path', async () => {
    const server = await start({ '/echo': probe() });
    expect((await rawRequest(server, '/other', upgradeHeaders())).status).toBe(404);
  });

  it('answers 426 with Upgrade: websocket to another upgrade on a websocket route', async () => {
    const server = await start({ '/echo': probe() });
    const res = await rawRequest(server, '/echo', upgradeHeaders({ Upgrade: 'h2c' }));
    expect(res.status).toBe(426);
    expect(res.headers.upgrade).toBe('websocket');
  });

  it.each([
    ['a missing key', { 'Sec-WebSocket-Key': undefined }],
    ['an invalid key', { 'Sec-WebSocket-Key': 'short' }],
    ['a missing version', { 'Sec-WebSocket-Version': undefined }],
    ['Upgrade: websocket without Connection: upgrade', { Connection: 'keep-alive' }],
  ])('answers 400 to %s', async (_name, headers) => {
    const handler = probe();
    const server = await start({ '/echo': handler });
    expect((await rawRequest(server, '/echo', upgradeHeaders(headers))).status).toBe(400);
    expect(handler.terminations).toEqual([]);
  });

  it.each([
    [{ Connection: 'keep-alive, Upgrade', Upgrade: 'WebSocket' }, 101],
    [{ Connection: ' keep-alive ,, UPGRADE ' }, 101],
    [{ Upgrade: 'h2c, websocket' }, 101],
    [{ Connection: 'keep-alive, upgrades' }, 400],
    [{ Connection: 'upgrade-insecure' }, 400],
    [{ Upgrade: 'websockets' }, 426],
  ])(
    'reads Connection and Upgrade as token lists, in any case: %j → %i',
    async (headers, status) => {
      const server = await start({ '/echo': probe() });
      expect((await rawRequest(server, '/echo', upgradeHeaders(headers))).status).toBe(status);
    },
  );

  it('answers 400 to an upgrade with a method other than GET', async () => {
    const server = await start({ '/echo': probe() });
    const res = await rawRequest(server, '/echo', upgradeHeaders(), { method: 'POST' });
    expect(res.status).toBe(400);
  });

  it('answers 426 with the supported versions to an unknown version', async () => {
    const server = await start({ '/echo': probe() });
    const res = await rawRequest(server, '/echo', upgradeHeaders({ 'Sec-WebSocket-Version': '9' }));
    expect(res.status).toBe(426);
    expect(res.headers['sec-websocket-version']).toBe('13, 8, 7');
  });

  it.each([7, 8, 13] as const)('accepts version %i and tells the handler', async (version) => {
    const handler = probe<null, string>();
    const server = await start({ '/echo': handler });
    const res = await rawRequest(
      server,
      '/echo',
      upgradeHeaders({ 'Sec-WebSocket-Version': String(version) }),
    );
    expect(res.status).toBe(101);
    expect(res.headers['sec-websocket-accept']).toBe(ACCEPT);
    res.peer.send({ opcode: 0x1, payload: 'hi' });
    const frame = await res.peer.frame();
    expect(frame.payload.toString()).toBe('hi');
    expect(handler.contexts[0]?.version).toBe(version satisfies WebSocketVersion);
  });
});

describe.each([
  ['serve', async (routes: Routes) => start(routes)],
  [
    'attach',
    async (routes: Routes) => {
      const { server, port } = await plainHttpServer();
      track(attach(server, { routes }));
      return { port };
    },
  ],
] as const)('HTTP requirements of the handshake with %s', (_how, listen) => {
  // Node's parser emits 'upgrade' for any version and without Host (its requireHostHeader only
  // guards plain requests), so each of these reaches rodeo's checks.
  it.each([
    ['an HTTP/1.0 request', {}, { httpVersion: '1.0' }],
    ['an HTTP/0.9 request line', {}, { httpVersion: '0.9' }],
    ['an HTTP/2.0 request line', {}, { httpVersion: '2.0' }],
    ['a request without Host', { Host: undefined }, {}],
    ['a request with an empty Host', { Host: ' ' }, {}],
    ['a request with two Host headers', { host: 'other' }, {}],
  ] satisfies [string, Record<string, string | undefined>, RawRequestOptions][])(
    'answers 400 to %s, without calling init or terminate',
    async (_name, headers, options) => {
      let inits = 0;
      const handler = probe({
        init: () => {
          inits++;
          return upgrade(null);
        },
      });
      const server = await listen({ '/echo': handler });
      const res = await rawRequest(server, '/echo', upgradeHeaders(headers), options);
      expect(res.status).toBe(400);
      await res.peer.ended;
      expect(inits).toBe(0);
      expect(handler.terminations).toEqual([]);
    },
  );

  it('upgrades an HTTP/1.1 request with one Host', async () => {
    const server = await listen({ '/echo': probe() });
    const res = await rawRequest(server, '/echo', upgradeHeaders(), { httpVersion: '1.1' });
    expect(res.status).toBe(101);
  });
});
