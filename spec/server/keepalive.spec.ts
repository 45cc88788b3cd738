import { once } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { reasons } from '../../src/index.js';
import { probe } from '../fixtures/serverHandlers.js';
import { client, closeAll, encodeFrame, rawPeer, start, wsUrl } from './support.js';

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

describe('the idle timeout and a message still arriving', () => {
  it('counts every read as activity: a message sent slowly in pieces is not cut off', async () => {
    const handler = probe({}, { idleTimeout: 300, keepalive: 100 });
    const server = await start({ '/k': handler });
    const peer = await rawPeer(server, '/k');
    const bytes = encodeFrame({ opcode: 0x1, payload: 'x'.repeat(800) });
    // A piece whenever the server pings (it never answers): 8 pieces, well past idleTimeout.
    const pieces = 8;
    const size = Math.ceil(bytes.length / pieces);
    const started = Date.now();
    for (let i = 0; i < pieces; i++) {
      peer.write(bytes.subarray(i * size, (i + 1) * size));
      if (i < pieces - 1) expect((await peer.frame()).opcode).toBe(0x9);
    }
    const echo = await peer.frame();
    expect(Date.now() - started).toBeGreaterThan(300);
    expect(echo.opcode).toBe(0x1);
    expect(echo.payload.toString()).toBe('x'.repeat(800));
    expect(handler.terminations).toEqual([]);
  });
});

describe("one server's idle clocks", () => {
  it('share one timer, yet each connection times out on its own clock', async () => {
    const short = probe({}, { idleTimeout: 150 });
    const long = probe({}, { idleTimeout: 300 });
    const kept = probe({}, { idleTimeout: 150, keepalive: 50 });
    const server = await start({ '/short': short, '/long': long, '/kept': kept });
    const started = Date.now();
    const keptClient = await client(wsUrl(server, '/kept'));
    const longClient = await client(wsUrl(server, '/long'));
    const shortClient = await client(wsUrl(server, '/short'));
    const leaving = await client(wsUrl(server, '/short'));
    // One connection leaving early takes its clock out without disturbing the others.
    leaving.close();
    expect((await short.terminated()).reason.type).toBe('remote');
    const [shortCode] = (await once(shortClient, 'close')) as [number];
    const shortAt = Date.now() - started;
    const [longCode] = (await once(longClient, 'close')) as [number];
    const longAt = Date.now() - started;
    expect([shortCode, longCode]).toEqual([1000, 1000]);
    expect((await short.terminated()).reason).toEqual(reasons.timeout);
    expect((await long.terminated()).reason).toEqual(reasons.timeout);
    expect(shortAt).toBeGreaterThanOrEqual(150);
    expect(longAt).toBeGreaterThanOrEqual(300);
    // Pinged every 50 ms and answering, the third outlives both.
    expect(keptClient.readyState).toBe(WebSocket.OPEN);
    expect(kept.terminations).toEqual([]);
    expect(server.metrics.open).toBe(1);
  });
});
