/**
 * Data frames the ws transport serializes and writes to the socket itself (`frameBuffers`): every
 * length class of RFC 6455's header (7-bit, 16-bit, 64-bit), text and binary, as a `ws` client
 * reads them, small payloads (copied behind their header, sharing a buffer) and large ones (written
 * as they are) side by side; and a reply of many frames keeps its order beside ws's own frames.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { binary, ok, ping, reply, text, upgrade, type Handler } from '../../../src/index.js';
import { client, closeAll, message, start, wsUrl } from '../support.js';

afterEach(closeAll);

/** Answers a text message "n" with a text frame of n × "é" (2 bytes each) and n bytes of binary. */
const sized: Handler<null> = {
  init: () => upgrade(null, { maxFrameSize: 1024 }),
  websocketHandle: (frame, state) => {
    if (frame.type !== 'text') return ok(state);
    const n = Number(frame.data);
    const bytes = new Uint8Array(n).map((_, i) => i % 251);
    return reply([text('é'.repeat(n)), binary(bytes)], state);
  },
  websocketInfo: (_info, state) => ok(state),
};

describe('data frames written by the ws transport', () => {
  it.each([0, 1, 62, 63, 64, 125, 126, 511, 512, 513, 1024, 1025, 1500, 32_767, 32_768, 40_000])(
    'carries %i characters and bytes as ws reads them',
    async (n) => {
      const server = await start({ '/sized': sized });
      const ws = await client(wsUrl(server, '/sized'));
      ws.send(String(n));
      const first = await message(ws);
      expect(first.isBinary).toBe(false);
      expect(first.data.toString('utf8')).toBe('é'.repeat(n));
      const second = await message(ws);
      expect(second.isBinary).toBe(true);
      expect([...second.data]).toEqual([...new Uint8Array(n).map((_, i) => i % 251)]);
    },
  );

  it('writes the frames of one reply in order, on a socket shared with ws’s own frames', async () => {
    const many: Handler<null> = {
      init: () => upgrade(null),
      websocketHandle: (_frame, state) =>
        reply(
          Array.from({ length: 300 }, (_, i) => text(`${i}`)),
          state,
        ),
      websocketInfo: (_info, state) => ok(state),
    };
    const server = await start({ '/many': many });
    const ws = await client(wsUrl(server, '/many'));
    ws.send('go');
    ws.ping();
    for (let i = 0; i < 300; i++) expect((await message(ws)).data.toString()).toBe(`${i}`);
  });

  it('writes a tick of small frames past the staging limit whole and in order', async () => {
    // 400 frames of 100 bytes: the staging buffer grows from one frame, then is written at its
    // limit (16 KiB) and starts again.
    const count = 400;
    const payload = (i: number): string => `${i}`.padStart(98, '.');
    const many: Handler<null> = {
      init: () => upgrade(null),
      websocketHandle: (_frame, state) =>
        reply(
          Array.from({ length: count }, (_, i) => text(payload(i))),
          state,
        ),
      websocketInfo: (_info, state) => ok(state),
    };
    const server = await start({ '/many': many });
    const ws = await client(wsUrl(server, '/many'));
    ws.send('go');
    for (let i = 0; i < count; i++) expect((await message(ws)).data.toString()).toBe(payload(i));
  });

  it('keeps the order of small, large and control frames mixed in one reply', async () => {
    const large = Buffer.alloc(5000, 9);
    const mixed: Handler<null> = {
      init: () => upgrade(null),
      websocketHandle: (frame, state) =>
        frame.type === 'text'
          ? reply(
              [text('a'), binary(large), text('b'), ping(Buffer.from('p')), text('c'), text('d')],
              state,
            )
          : ok(state),
      websocketInfo: (_info, state) => ok(state),
    };
    const server = await start({ '/mixed': mixed });
    const ws = await client(wsUrl(server, '/mixed'));
    const seen: string[] = [];
    ws.on('ping', (data: Buffer) => seen.push(`ping ${data.toString()}`));
    ws.on('message', (data: Buffer) =>
      seen.push(data.length === large.length && data.equals(large) ? 'large' : data.toString()),
    );
    ws.send('go');
    for (let i = 0; i < 5; i++) await message(ws);
    expect(seen).toEqual(['a', 'large', 'b', 'ping p', 'c', 'd']);
  });
});
