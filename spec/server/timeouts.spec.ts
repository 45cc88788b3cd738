import { once } from 'node:events';
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import {
  DEFAULT_HANDSHAKE_TIMEOUT,
  DEFAULT_INIT_TIMEOUT,
  reasons,
  serve,
  upgrade,
  type InitResult,
} from '../../src/index.js';
import { probe } from '../fixtures/serverHandlers.js';
import { closeAll, rawRequest, start, track, upgradeHeaders } from './support.js';

afterEach(closeAll);

/** A handler whose init never settles; it records that init was called. */
function stuckInit() {
  const calls: string[] = [];
  const handler = probe({
    init: () => {
      calls.push('init');
      return new Promise<never>(() => undefined);
    },
  });
  return { handler, calls };
}

describe('initTimeout', () => {
  it('answers 503 to an init that does not settle in time; terminate gets crash(init)', async () => {
    const { handler } = stuckInit();
    const server = await start({ '/i': handler }, { initTimeout: 200 });
    const response = await rawRequest(server, '/i', upgradeHeaders());
    expect(response.status).toBe(503);
    const { reason } = await handler.terminated();
    expect(reason).toEqual(
      reasons.crash('init', expect.objectContaining({ code: 'RODEO_ERR_INIT_TIMEOUT' })),
    );
    expect(server.metrics.terminated.crash).toBe(1);
  });

  it('ignores what init answers after its timeout', async () => {
    let answer: (value: InitResult<null>) => void = () => undefined;
    const handler = probe({
      init: () => new Promise<InitResult<null>>((resolve) => (answer = resolve)),
    });
    const server = await start({ '/i': handler }, { initTimeout: 100 });
    const response = await rawRequest(server, '/i', upgradeHeaders());
    expect(response.status).toBe(503);
    answer(upgrade(null));
    await handler.terminated();
    await new Promise((resolve) => setImmediate(resolve));
    expect(handler.terminations.length).toBe(1);
    expect(handler.contexts).toEqual([]);
    expect(server.metrics.open).toBe(0);
  });

  it('defaults to 10 s, and close() reclaims upgrades still waiting (503, terminate shutdown)', async () => {
    expect(DEFAULT_INIT_TIMEOUT).toBe(10_000);
    const { handler, calls } = stuckInit();
    const server = await serve({ routes: { '/i': handler } });
    const response = rawRequest(server, '/i', upgradeHeaders());
    while (calls.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    await server.close();
    expect((await response).status).toBe(503);
    expect((await handler.terminated()).reason).toEqual(reasons.shutdown);
  });

  it('refuses an invalid initTimeout at start-up', async () => {
    await expect(start({ '/i': probe() }, { initTimeout: -1 })).rejects.toMatchObject({
      code: 'RODEO_ERR_INVALID_OPTION',
    });
  });
});

describe('handshakeTimeout (serve)', () => {
  it('closes a connection whose request headers never finish (408)', async () => {
    expect(DEFAULT_HANDSHAKE_TIMEOUT).toBe(10_000);
    const server = await start({ '/h': probe() }, { handshakeTimeout: 300 });
    const socket = net.connect(server.port, '127.0.0.1');
    track({ close: () => void socket.destroy() });
    await once(socket, 'connect');
    socket.write('GET /h HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\n');
    let received = '';
    socket.on('data', (chunk: Buffer) => (received += chunk.toString()));
    await once(socket, 'close');
    expect(received).toMatch(/^HTTP\/1\.1 408/);
  });
});
