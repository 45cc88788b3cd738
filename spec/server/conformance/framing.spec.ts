import { describe, expect, it } from 'vitest';
import { encodeFrame, rawPeer } from '../support.js';
import { useEchoServer } from './echoServer.js';

const { server, echoOf, closeAfter } = useEchoServer();

describe('1 framing', () => {
  it.each([0, 125, 126, 127, 128, 65535, 65536])(
    '1.1/1.2 echoes a %i-byte text and binary message',
    async (n) => {
      const peer = await rawPeer(server(), '/echo');
      const body = Buffer.alloc(n, 0x2a);
      expect((await echoOf(peer, { opcode: 0x1, payload: body })).equals(body)).toBe(true);
      expect((await echoOf(peer, { opcode: 0x2, payload: body })).equals(body)).toBe(true);
    },
  );

  it('1.1.8 reads a frame written one byte at a time', async () => {
    const peer = await rawPeer(server(), '/echo');
    const bytes = encodeFrame({ opcode: 0x1, payload: 'chopped' });
    for (const byte of bytes) peer.write(Buffer.from([byte]));
    expect((await echoOf(peer)).toString()).toBe('chopped');
  });

  it('rejects an unmasked client frame with 1002', async () => {
    expect(await closeAfter({ opcode: 0x1, payload: 'x', mask: false })).toBe(1002);
  });
});

describe('2 ping/pong', () => {
  it.each([0, 125])('2.2/2.4 answers a ping with a %i-byte payload', async (n) => {
    const peer = await rawPeer(server(), '/echo');
    peer.send({ opcode: 0x9, payload: Buffer.alloc(n, 1) });
    const pong = await peer.frame();
    expect(pong.opcode).toBe(0xa);
    expect(pong.payload.length).toBe(n);
  });

  it('2.5 rejects a ping over 125 bytes with 1002', async () => {
    expect(await closeAfter({ opcode: 0x9, payload: Buffer.alloc(126) })).toBe(1002);
  });

  it('2.6/2.10 answers ten pings with ten pongs in order', async () => {
    const peer = await rawPeer(server(), '/echo');
    for (let i = 0; i < 10; i++) peer.send({ opcode: 0x9, payload: `p${i}` });
    for (let i = 0; i < 10; i++) expect((await peer.frame()).payload.toString()).toBe(`p${i}`);
  });

  it('2.7/2.8 ignores unsolicited pongs', async () => {
    const peer = await rawPeer(server(), '/echo');
    expect(
      (
        await echoOf(peer, { opcode: 0xa, payload: 'u' }, { opcode: 0x1, payload: 'ok' })
      ).toString(),
    ).toBe('ok');
  });
});

describe('3 reserved bits', () => {
  it.each([
    [1, 0x1],
    [2, 0x1],
    [3, 0x1],
    [4, 0x2],
    [5, 0x2],
    [6, 0x9],
    [7, 0x9],
  ])('3.x RSV=%i on opcode %i fails with 1002 (no extension negotiated)', async (rsv, opcode) => {
    expect(await closeAfter({ opcode, payload: 'x', rsv })).toBe(1002);
  });

  it('3.2 echoes what came before the bad frame, then closes', async () => {
    const peer = await rawPeer(server(), '/echo');
    peer.send({ opcode: 0x1, payload: 'first' });
    peer.send({ opcode: 0x1, payload: 'bad', rsv: 2 });
    expect((await peer.frame()).payload.toString()).toBe('first');
    expect(await peer.closeCode()).toBe(1002);
  });
});

describe('4 opcodes', () => {
  it.each([3, 4, 5, 6, 7, 0xb, 0xc, 0xd, 0xe, 0xf])(
    '4.x reserved opcode %i fails with 1002',
    async (opcode) => {
      expect(await closeAfter({ opcode, payload: 'x' })).toBe(1002);
    },
  );
});

describe('5 fragmentation', () => {
  it('5.1/5.2 fragmented ping or pong fails with 1002', async () => {
    expect(
      await closeAfter({ opcode: 0x9, payload: 'a', fin: false }, { opcode: 0x0, payload: 'b' }),
    ).toBe(1002);
    expect(
      await closeAfter({ opcode: 0xa, payload: 'a', fin: false }, { opcode: 0x0, payload: 'b' }),
    ).toBe(1002);
  });

  it('5.3–5.5 reassembles a fragmented text message', async () => {
    const peer = await rawPeer(server(), '/echo');
    const echo = await echoOf(
      peer,
      { opcode: 0x1, payload: 'frag', fin: false },
      { opcode: 0x0, payload: 'men', fin: false },
      { opcode: 0x0, payload: 'ted' },
    );
    expect(echo.toString()).toBe('fragmented');
  });

  it('5.6–5.8 answers a ping between fragments first', async () => {
    const peer = await rawPeer(server(), '/echo');
    peer.send({ opcode: 0x1, payload: 'a', fin: false });
    peer.send({ opcode: 0x9, payload: 'mid' });
    peer.send({ opcode: 0x0, payload: 'b' });
    const pong = await peer.frame();
    expect([pong.opcode, pong.payload.toString()]).toEqual([0xa, 'mid']);
    expect((await peer.frame()).payload.toString()).toBe('ab');
  });

  it('5.9–5.14 a continuation without a start fails with 1002', async () => {
    expect(await closeAfter({ opcode: 0x0, payload: 'x' })).toBe(1002);
    expect(
      await closeAfter({ opcode: 0x0, payload: 'x', fin: false }, { opcode: 0x1, payload: 'y' }),
    ).toBe(1002);
  });

  it('5.18 a new message inside a fragmented one fails with 1002', async () => {
    expect(
      await closeAfter({ opcode: 0x1, payload: 'a', fin: false }, { opcode: 0x1, payload: 'b' }),
    ).toBe(1002);
  });

  it('5.19/5.20 fragments with pings in between, sent slowly, still reassemble', async () => {
    const peer = await rawPeer(server(), '/echo');
    for (let i = 0; i < 5; i++) {
      peer.send({ opcode: i === 0 ? 0x1 : 0x0, payload: `f${i}`, fin: false });
      peer.send({ opcode: 0x9, payload: `p${i}` });
      expect((await peer.frame()).payload.toString()).toBe(`p${i}`);
    }
    peer.send({ opcode: 0x0, payload: '!' });
    expect((await peer.frame()).payload.toString()).toBe('f0f1f2f3f4!');
  });
});
