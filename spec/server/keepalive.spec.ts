import { once } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { reasons } from '../../src/index.js';
import { probe } from '../fixtures/serverHandlers.js';
import { client, closeAll, rawPeer, start, wsUrl } from './support.js';

afterEach(closeAll);

describe('keepalive pings', () => {
  it('keep a listen-only client (its automatic pongs) open well past idleTimeout', async () => {
    const handler = probe({}, { idleTimeout: 300, keepalive: 100 });
    const server = await start({ '/k': handler });
    const ws = await client(wsUrl(server, '/k'));
    const started = Date.now();
    // Six pings at 100 ms intervals: twice the idle timeout, and the client never sent a thing.
    for (let pings = 0; pings < 6; pings++) await once(ws, 'ping');
    expect(Date.now() - started).toBeGreaterThanOrEqual(500);
    expect(ws.readyState).toBe(WebSocket.OPEN);
    expect(handler.terminations).toEqual([]);
    expect(server.metrics.open).toBe(1);
  });

  it('end a peer that never answers with timeout (1000) after idleTimeout', async () => {
    const handler = probe({}, { idleTimeout: 300, keepalive: 100 });
    const server = await start({ '/k': handler });
    const peer = await rawPeer(server, '/k');
    const seen: number[] = [];
    for (;;) {
      const frame = await peer.frame();
      seen.push(frame.opcode);
      if (frame.opcode === 0x8) {
        expect(frame.payload.readUInt16BE(0)).toBe(1000);
        break;
      }
    }
    // Pings (0x9) at 100 and 200 ms, then the close at 300.
    expect(seen).toEqual([0x9, 0x9, 0x8]);
    expect((await handler.terminated()).reason).toEqual(reasons.timeout);
  });
});
