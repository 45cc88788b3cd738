import { describe, expect, it } from 'vitest';
import { client, closed, encodeFrame, message, rawPeer, wsUrl } from '../support.js';
import { MiB, useEchoServer } from './echoServer.js';

const { server, echoOf, closeAfter } = useEchoServer();

describe('9 limits', () => {
  it('9.1.6/9.2.6 echoes a 16 MiB text and binary message at maxFrameSize 16 MiB', async () => {
    const ws = await client(wsUrl(server(), '/echo'), { maxPayload: 32 * MiB });
    const body = Buffer.alloc(16 * MiB, 0x61);
    ws.send(body, { binary: false });
    expect((await message(ws)).data.length).toBe(16 * MiB);
    ws.send(body);
    expect((await message(ws)).data.length).toBe(16 * MiB);
  });

  it.each([0x1, 0x2])(
    '9.3.1/9.4.1 echoes 4 MiB sent in 64-byte fragments (opcode %i)',
    async (opcode) => {
      const peer = await rawPeer(server(), '/echo');
      const fragment = Buffer.alloc(64, 0x62);
      const count = (4 * MiB) / 64;
      const frames = Array.from({ length: count }, (_, i) =>
        encodeFrame({ opcode: i === 0 ? opcode : 0x0, payload: fragment, fin: i === count - 1 }),
      );
      peer.write(Buffer.concat(frames));
      expect((await echoOf(peer)).length).toBe(4 * MiB);
    },
  );

  it('a flood of 1-byte fragments past the fragment limit fails with 1009', async () => {
    const peer = await rawPeer(server(), '/small');
    const limit = 16 * 1024; // fragmentLimit(1024)
    const one = encodeFrame({ opcode: 0x0, payload: 'x', fin: false });
    peer.write(encodeFrame({ opcode: 0x1, payload: 'x', fin: false }));
    peer.write(Buffer.concat(Array.from({ length: limit }, () => one)));
    expect(await peer.closeCode()).toBe(1009);
  });
});

describe('12/13 permessage-deflate', () => {
  it.each([
    ['defaults', true],
    ['client_no_context_takeover', { clientNoContextTakeover: true }],
    ['server_no_context_takeover', { serverNoContextTakeover: true }],
    ['client_max_window_bits 8', { clientMaxWindowBits: 8 }],
    ['client_max_window_bits 9', { clientMaxWindowBits: 9 }],
    ['server_max_window_bits 8', { serverMaxWindowBits: 8 }],
    ['server_max_window_bits 9', { serverMaxWindowBits: 9 }],
    [
      'both no context takeover, 15 bits',
      { clientNoContextTakeover: true, serverNoContextTakeover: true, serverMaxWindowBits: 15 },
    ],
  ] as const)('12.x/13.x echoes compressed messages with %s', async (_name, perMessageDeflate) => {
    const ws = await client(wsUrl(server(), '/deflate'), {
      perMessageDeflate,
      maxPayload: 32 * MiB,
    });
    expect(ws.extensions).toContain('permessage-deflate');
    for (const size of [16, 64, 256, 1024, 4096, 8192, 65536, 131072]) {
      const body = Buffer.from(Array.from({ length: size }, (_, i) => 97 + (i % 23)));
      ws.send(body, { binary: size % 2 === 0 });
      expect((await message(ws)).data.equals(body)).toBe(true);
    }
  });

  it('declines an unacceptable offer without failing the handshake', async () => {
    const peer = await rawPeer(server(), '/deflate', {
      'Sec-WebSocket-Extensions': 'permessage-deflate; unknown_param',
    });
    expect((await echoOf(peer, { opcode: 0x1, payload: 'plain' })).toString()).toBe('plain');
  });

  it('a compressed message inflating beyond maxFrameSize fails with 1009', async () => {
    const ws = await client(wsUrl(server(), '/small'), { perMessageDeflate: { threshold: 0 } });
    const peerSaw = closed(ws);
    ws.send('a'.repeat(4096));
    expect((await peerSaw).code).toBe(1009);
  });

  it('RSV1 without negotiation fails with 1002', async () => {
    expect(await closeAfter({ opcode: 0x1, payload: 'x', rsv: 4 })).toBe(1002);
  });
});
