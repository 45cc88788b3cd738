import { describe, expect, it } from 'vitest';
import { rawPeer } from '../support.js';
import { useEchoServer } from './echoServer.js';

const { server, echoOf, closeAfter } = useEchoServer();

describe('6 UTF-8', () => {
  it.each(['κόσμε', 'Hello-µ@ßöäüàá-UTF-8!!', '\u{10ffff}', '\u{1f600}', ''])(
    '6.x echoes valid text %j',
    async (text) => {
      const peer = await rawPeer(server(), '/echo');
      expect((await echoOf(peer, { opcode: 0x1, payload: text })).toString()).toBe(text);
    },
  );

  it('6.2.3/6.2.4 reassembles a code point split across fragments', async () => {
    const peer = await rawPeer(server(), '/echo');
    const bytes = Buffer.from('κόσμε');
    const echo = await echoOf(
      peer,
      { opcode: 0x1, payload: bytes.subarray(0, 1), fin: false },
      { opcode: 0x0, payload: bytes.subarray(1, 5), fin: false },
      { opcode: 0x0, payload: bytes.subarray(5) },
    );
    expect(echo.toString()).toBe('κόσμε');
  });

  it.each([
    [
      '6.3 invalid byte',
      [0xce, 0xba, 0xe1, 0xbd, 0xb9, 0xcf, 0x83, 0xce, 0xbc, 0xce, 0xb5, 0xed, 0xa0, 0x80, 0x65],
    ],
    ['6.8 beyond U+10FFFF', [0xf4, 0x90, 0x80, 0x80]],
    ['6.14 lone continuation', [0x80]],
    ['6.15 lone start', [0xc0, 0x20]],
    ['6.18 overlong', [0xc0, 0xaf]],
    ['6.19 UTF-16 surrogate', [0xed, 0xa0, 0x80]],
    ['6.4 truncated at the end', [0xce, 0xba, 0xe1]],
  ])('%s fails with 1007', async (_name, bytes) => {
    expect(await closeAfter({ opcode: 0x1, payload: Buffer.from(bytes) })).toBe(1007);
  });

  it('6.4.x invalid UTF-8 inside a fragmented message fails with 1007', async () => {
    expect(
      await closeAfter(
        { opcode: 0x1, payload: Buffer.from([0xce, 0xba]), fin: false },
        { opcode: 0x0, payload: Buffer.from([0xf4, 0x90, 0x80, 0x80]) },
      ),
    ).toBe(1007);
  });
});

describe('7 close handling', () => {
  function closePayload(code: number, reason = ''): Buffer {
    const payload = Buffer.alloc(2 + Buffer.byteLength(reason));
    payload.writeUInt16BE(code, 0);
    payload.write(reason, 2);
    return payload;
  }

  it.each([
    1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 1014, 3000, 3999, 4000, 4999,
  ])('7.7 echoes valid close code %i', async (code) => {
    const peer = await rawPeer(server(), '/echo');
    peer.send({ opcode: 0x8, payload: closePayload(code, 'r') });
    expect(await peer.closeCode()).toBe(code);
  });

  it.each([0, 999, 1004, 1005, 1006, 1015, 1016, 1100, 2000, 2999, 5000, 65535])(
    '7.9 rejects close code %i with 1002',
    async (code) => {
      expect(await closeAfter({ opcode: 0x8, payload: closePayload(code) })).toBe(1002);
    },
  );

  it('7.3.2 a 1-byte close payload fails with 1002', async () => {
    expect(await closeAfter({ opcode: 0x8, payload: Buffer.from([0x03]) })).toBe(1002);
  });

  it('7.3.5 a 123-byte reason is fine; 7.3.6 a 124-byte one fails with 1002', async () => {
    expect(await closeAfter({ opcode: 0x8, payload: closePayload(1000, 'r'.repeat(123)) })).toBe(
      1000,
    );
    expect(await closeAfter({ opcode: 0x8, payload: closePayload(1000, 'r'.repeat(124)) })).toBe(
      1002,
    );
  });

  it('7.5.1 an invalid UTF-8 close reason fails with 1007', async () => {
    const payload = Buffer.concat([
      closePayload(1000),
      Buffer.from([0xce, 0xba, 0xed, 0xa0, 0x80]),
    ]);
    expect(await closeAfter({ opcode: 0x8, payload })).toBe(1007);
  });

  it('7.1.2–7.1.5 nothing after the close is processed; the server closes TCP', async () => {
    const peer = await rawPeer(server(), '/echo');
    peer.send({ opcode: 0x8, payload: closePayload(1000) });
    peer.send({ opcode: 0x1, payload: 'after close' });
    peer.send({ opcode: 0x9, payload: 'ping after close' });
    expect(await peer.closeCode()).toBe(1000);
    await peer.ended;
    const frames: number[] = [];
    await peer.frame().then(
      (frame) => frames.push(frame.opcode),
      () => undefined,
    );
    expect(frames).toEqual([]);
  });
});
