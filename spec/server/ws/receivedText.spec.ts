import { afterEach, describe, expect, it } from 'vitest';
import { reply, text, type TextFrame } from '../../../src/index.js';
import { ReceivedText } from '../../../src/server/ws/receivedText.js';
import { probe } from '../../fixtures/serverHandlers.js';
import { closeAll, rawPeer, start } from '../support.js';

afterEach(closeAll);

describe('ReceivedText', () => {
  it('is a plain text frame to handlers: compares, spreads and serializes like text()', () => {
    const frame = new ReceivedText(Buffer.from('κόσμε'));
    expect(frame).toEqual(text('κόσμε'));
    expect({ ...frame }).toEqual({ type: 'text', data: 'κόσμε' });
    expect(JSON.stringify(frame)).toBe(JSON.stringify(text('κόσμε')));
    expect(Object.keys(frame)).toEqual(['type', 'data']);
  });

  it('gives its received bytes back only while data is the received text', () => {
    const bytes = Buffer.from('hello');
    const frame = new ReceivedText(bytes);
    expect(ReceivedText.bytesOf(frame)).toBe(bytes);
    expect(ReceivedText.bytesOf(text('hello'))).toBeUndefined();
    (frame as { data: string }).data = 'changed';
    expect(ReceivedText.bytesOf(frame)).toBeUndefined();
  });
});

describe('sending a received text frame', () => {
  it('sends the bytes it came in as; a new frame with the same text is encoded afresh', async () => {
    let copy = false;
    const server = await start({
      '/': probe({
        websocketHandle: (frame, state) => {
          copy = !copy;
          return reply(copy ? frame : text((frame as TextFrame).data), state);
        },
      }),
    });
    const peer = await rawPeer(server, '/');
    for (const payload of ['κόσμε', 'κόσμε', 'x'.repeat(20_000), 'x'.repeat(20_000)]) {
      peer.send({ opcode: 0x1, payload });
      const frame = await peer.frame();
      expect(frame.opcode).toBe(0x1);
      expect(frame.payload.toString('utf8')).toBe(payload);
    }
  });

  it('with validateUtf8: false, an unchanged frame goes back byte for byte, as Cowboy echoes', async () => {
    const server = await start({ '/': probe({}, { validateUtf8: false }) });
    const peer = await rawPeer(server, '/');
    const invalid = Buffer.from([0x61, 0xed, 0xa0, 0x80, 0x62]);
    peer.send({ opcode: 0x1, payload: invalid });
    const frame = await peer.frame();
    expect(frame.opcode).toBe(0x1);
    expect(frame.payload).toEqual(invalid);
  });
});
