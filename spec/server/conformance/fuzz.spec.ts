import { afterEach, describe, expect, it } from 'vitest';
import { random } from '../../fixtures/random.js';
import { probe } from '../../fixtures/serverHandlers.js';
import { client, closeAll, encodeFrame, message, rawPeer, start, wsUrl } from '../support.js';

afterEach(closeAll);

describe('garbage after the handshake', () => {
  it('ends every connection exactly once and leaves the server serving', async () => {
    const next = random(0x5eed);
    const handler = probe();
    const server = await start({ '/fuzz': handler });
    const peers = await Promise.all(Array.from({ length: 60 }, () => rawPeer(server, '/fuzz')));
    for (const peer of peers) {
      const parts: Buffer[] = [];
      for (let i = 0; i < 1 + Math.floor(next() * 6); i++) {
        if (next() < 0.5) {
          const payload = Buffer.from(
            Array.from({ length: Math.floor(next() * 200) }, () => next() * 256),
          );
          parts.push(
            encodeFrame({
              opcode: Math.floor(next() * 16),
              payload,
              fin: next() < 0.8,
              rsv: next() < 0.2 ? Math.floor(next() * 8) : 0,
              mask: next() < 0.95,
            }),
          );
        } else {
          parts.push(
            Buffer.from(Array.from({ length: Math.floor(next() * 64) }, () => next() * 256)),
          );
        }
      }
      peer.write(Buffer.concat(parts));
      // Whatever the server made of it, the peer then goes away.
      peer.socket.end();
    }
    await Promise.all(peers.map((peer) => peer.ended));
    while (handler.terminations.length < 60) await handler.terminated();
    expect(handler.terminations).toHaveLength(60);
    expect(server.metrics.open).toBe(0);
    const ws = await client(wsUrl(server, '/fuzz'));
    ws.send('still here');
    expect((await message(ws)).data.toString()).toBe('still here');
  });
});
