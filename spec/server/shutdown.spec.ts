import { afterEach, describe, expect, it } from 'vitest';
import { reply, text, upgrade, type InitResult } from '../../src/index.js';
import { probe } from '../fixtures/serverHandlers.js';
import {
  client,
  closeAll,
  closed,
  message,
  rawPeer,
  rawRequest,
  start,
  upgradeHeaders,
  wsUrl,
} from './support.js';

afterEach(closeAll);

const BURST = 20;

describe('close()', () => {
  it('with 100 connections: frames already returned arrive, then 1001; each terminate once', async () => {
    const handler = probe<null, string>({
      init: (req) => upgrade(null, { compress: req.query.compress === '1' }),
      websocketInfo: (_info, state) =>
        reply(
          Array.from({ length: BURST }, (_, i) => text(`${i}:${'z'.repeat(2000)}`)),
          state,
        ),
    });
    const server = await start({ '/s': handler });
    const clients = await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        client(wsUrl(server, `/s?compress=${i % 2}`), { perMessageDeflate: i % 2 === 1 }),
      ),
    );
    const outcomes = clients.map(async (ws) => {
      const code = await closed(ws);
      const texts: string[] = [];
      for (let i = 0; i < BURST; i++)
        texts.push((await message(ws)).data.toString().split(':')[0] ?? '');
      return { code: code.code, texts };
    });
    expect(handler.contexts).toHaveLength(100);
    // Every handler returns its frames, and close() is called in the same tick.
    for (const ctx of handler.contexts) ctx.ref.send('burst');
    await server.close();
    const results = await Promise.all(outcomes);
    const expected = Array.from({ length: BURST }, (_, i) => String(i));
    for (const result of results) expect(result).toEqual({ code: 1001, texts: expected });
    expect(handler.terminations).toHaveLength(100);
    expect(handler.terminations.every((t) => t.reason.type === 'shutdown')).toBe(true);
    expect(server.metrics.terminated.shutdown).toBe(100);
    expect(server.metrics.open).toBe(0);
    expect(clients.filter((ws) => ws.extensions !== '').length).toBe(50);
  });

  it('destroys sockets whose peers do not answer within shutdownTimeout', async () => {
    const handler = probe();
    const server = await start({ '/s': handler }, { shutdownTimeout: 50 });
    const peer = await rawPeer(server, '/s');
    peer.socket.pause();
    await server.close();
    expect((await handler.terminated()).reason).toEqual({ type: 'shutdown' });
    expect(server.metrics.open).toBe(0);
  });

  it('waits for an init in flight, answers it 503 and terminates it with shutdown', async () => {
    let release: () => void = () => undefined;
    let entered: () => void = () => undefined;
    const inInit = new Promise<void>((resolve) => (entered = resolve));
    const handler = probe({
      init: () =>
        new Promise<InitResult<null>>((resolve) => {
          release = () => resolve(upgrade(null));
          entered();
        }),
    });
    const server = await start({ '/s': handler });
    const response = rawRequest(server, '/s', upgradeHeaders());
    await inInit;
    const closing = server.close();
    release();
    await closing;
    expect(handler.terminations.map((t) => t.reason)).toEqual([{ type: 'shutdown' }]);
    expect((await response).status).toBe(503);
  });

  it('a peer that closes during shutdown is terminated once', async () => {
    const handler = probe();
    const server = await start({ '/s': handler });
    const ws = await client(wsUrl(server, '/s'));
    ws.close(1000);
    await server.close();
    expect(handler.terminations).toHaveLength(1);
  });
});
