import { once } from 'node:events';
import type { IncomingMessage } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { reasons, serve, type RodeoServer, type TerminateReason, type UpgradeRequest } from 'rodeo';
import type { Identity, TokenStore } from './credentials.js';
import { authHandler, TOKEN_EXPIRED } from './handler.js';

const APP = 'https://app.example';
const hour = (): number => Date.now() + 3_600_000;
const identities = new Map<string, () => Identity>([
  ['ann-token', () => ({ user: 'ann', roles: ['read'], expiresAt: hour() })],
  ['ann-short', () => ({ user: 'ann', roles: ['read'], expiresAt: Date.now() + 500 })],
  ['bob-token', () => ({ user: 'bob', roles: ['read', 'write'], expiresAt: hour() })],
  ['cy-token', () => ({ user: 'cy', roles: [], expiresAt: hour() })],
  ['old-token', () => ({ user: 'ann', roles: ['read'], expiresAt: Date.now() - 1 })],
]);
const tokens: TokenStore = { lookup: async (token) => identities.get(token)?.() };

const servers: RodeoServer[] = [];
const clients: WebSocket[] = [];
afterEach(async () => {
  for (const client of clients.splice(0)) client.terminate();
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

/** How a connection ended, and what it kept of its request. */
interface Ended {
  readonly reason: TerminateReason;
  readonly req: UpgradeRequest;
}

/** A server with the handler on `/notes`; `ended` resolves with the first connection's end. */
async function start(
  store = tokens,
  initTimeout?: number,
): Promise<{ server: RodeoServer; ended: Promise<Ended> }> {
  let end: (ended: Ended) => void = () => undefined;
  const ended = new Promise<Ended>((resolve) => (end = resolve));
  const handler = authHandler({ tokens: store, allowedOrigins: [APP] });
  const observed: typeof handler = {
    ...handler,
    terminate: (reason, req, state) => {
      end({ reason, req });
      handler.terminate?.(reason, req, state);
    },
  };
  const limits = initTimeout === undefined ? {} : { initTimeout };
  const server = await serve({ routes: { '/notes': observed }, ...limits });
  servers.push(server);
  return { server, ended };
}

/** The outcome of a handshake: the open socket (101), or the refusal's status, headers and body. */
async function connect(
  server: RodeoServer,
  path: string,
  options: WebSocket.ClientOptions = {},
): Promise<{
  status: number;
  headers: IncomingMessage['headers'];
  body: string;
  socket: WebSocket;
}> {
  const socket = new WebSocket(`ws://127.0.0.1:${server.port}${path}`, options);
  clients.push(socket);
  socket.on('error', () => undefined);
  const refused = await Promise.race([
    once(socket, 'open').then(() => undefined),
    once(socket, 'unexpected-response').then(([, res]) => res as IncomingMessage),
  ]);
  if (refused === undefined) return { status: 101, headers: {}, body: '', socket };
  let body = '';
  for await (const chunk of refused) body += String(chunk);
  return { status: refused.statusCode ?? 0, headers: refused.headers, body, socket };
}

/** The next message a client receives, parsed. */
async function next(socket: WebSocket): Promise<unknown> {
  const [data] = (await once(socket, 'message')) as [Buffer];
  return JSON.parse(data.toString()) as unknown;
}

describe('authentication in init, over real sockets', () => {
  it.each([
    ['an Authorization header', '/notes', { headers: { Authorization: 'Bearer ann-token' } }],
    ['the query string', '/notes?access_token=ann-token', {}],
    [
      'a cookie, from an allowed page',
      '/notes',
      { headers: { Cookie: 'session=ann-token' }, origin: APP },
    ],
  ])('upgrades (101) a valid token from %s', async (_where, path, options) => {
    const { server } = await start();
    const { status, socket } = await connect(server, path, options);
    expect(status).toBe(101);
    socket.send('{"action":"read"}');
    expect(await next(socket)).toEqual({ type: 'done', action: 'read', user: 'ann' });
  });

  it.each([
    ['no token', '/notes', 'token required'],
    ['an unknown token', '/notes?access_token=nope', 'invalid token'],
    ['an expired token', '/notes?access_token=old-token', 'invalid token'],
  ])('answers 401 with a Bearer challenge to %s', async (_what, path, message) => {
    const { server } = await start();
    const { status, headers, body } = await connect(server, path);
    expect([status, headers['www-authenticate'], body]).toEqual([401, 'Bearer', `${message}\n`]);
  });

  it('answers 403 to a valid token that may not read', async () => {
    const { server, ended } = await start();
    const { status, body } = await connect(server, '/notes?access_token=cy-token');
    expect([status, body]).toEqual([403, 'not allowed\n']);
    expect((await ended).reason).toEqual(reasons.normal); // a plain HTTP answer
  });

  it('answers 403 to a page of another origin, even with a valid cookie', async () => {
    let looked = 0;
    const { server } = await start({ lookup: (token) => (looked++, tokens.lookup(token)) });
    const options = { headers: { Cookie: 'session=ann-token' }, origin: 'https://evil.example' };
    const { status, body } = await connect(server, '/notes', options);
    expect([status, body, looked]).toEqual([403, 'origin not allowed\n', 0]);
  });

  it('answers 503 when the token backend fails, and when it is slower than initTimeout', async () => {
    const failing = await start({ lookup: () => Promise.reject(new Error('backend down')) });
    const failed = await connect(failing.server, '/notes?access_token=ann-token');
    expect([failed.status, failed.headers['retry-after']]).toEqual([503, '5']);

    const never = new Promise<undefined>(() => undefined);
    const slow = await start({ lookup: () => never }, 100);
    const late = await connect(slow.server, '/notes?access_token=ann-token');
    expect(late.status).toBe(503);
    expect((await slow.ended).reason).toEqual(
      reasons.crash('init', expect.objectContaining({ code: 'RODEO_ERR_INIT_TIMEOUT' })),
    );
  });
});

describe('a long connection, over real sockets', () => {
  it('keeps no credentials in the request it holds (ctx.req, terminate)', async () => {
    const { server, ended } = await start();
    const headers = { Authorization: 'Bearer ann-token', Cookie: 'session=ann-token' };
    const { socket } = await connect(server, '/notes?access_token=ann-token', { headers });
    socket.close(1000);
    const { reason, req } = await ended;
    expect(reason).toEqual(reasons.remote(1000));
    expect(req).toMatchObject({ url: '/notes', path: '/notes', query: {} });
    expect(req.headers).not.toHaveProperty('authorization');
    expect(req.headers).not.toHaveProperty('cookie');
  });

  it(`closes with ${TOKEN_EXPIRED} once the token expires`, async () => {
    const { server } = await start();
    const { status, socket } = await connect(server, '/notes?access_token=ann-short');
    expect(status).toBe(101);
    const [code, reason] = (await once(socket, 'close')) as [number, Buffer];
    expect([code, String(reason)]).toEqual([TOKEN_EXPIRED, 'token expired']);
  });

  it('takes a fresh token of the same user, and refuses one of another user', async () => {
    const { server } = await start();
    const { socket } = await connect(server, '/notes?access_token=ann-token');
    socket.send('{"action":"refresh","token":"bob-token"}');
    expect(await next(socket)).toEqual({ type: 'error', code: 'invalid_token' });
    // A shorter token shows that the expiry now follows the new one.
    socket.send('{"action":"refresh","token":"ann-short"}');
    expect(await next(socket)).toMatchObject({ type: 'refreshed' });
    const [code] = (await once(socket, 'close')) as [number];
    expect(code).toBe(TOKEN_EXPIRED);
  });
});
