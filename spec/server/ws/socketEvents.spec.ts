import { afterEach, describe, expect, it } from 'vitest';
import type WebSocket from 'ws';
import { close, reply, stop } from '../../../src/index.js';
import { probe } from '../../fixtures/serverHandlers.js';
import { client, closeAll, closed, message, rawPeer, start, wsUrl } from '../support.js';

afterEach(closeAll);

/** A probe that stops on "stop", closes with 4000 on "close", and throws on "boom". */
function scripted(options = {}) {
  return probe<null, string>(
    {
      websocketHandle: (frame, state) => {
        if (frame.type !== 'text') return reply(frame, state);
        if (frame.data === 'stop') return stop(state);
        if (frame.data === 'close')
          return reply([close(4000, 'bye'), { type: 'text', data: 'dropped' }], state);
        if (frame.data === 'boom') throw new Error('boom');
        return reply(frame, state);
      },
    },
    options,
  );
}

describe('terminal reasons on the wire', () => {
  it('remote with a code: the code is echoed, terminate gets it with the reason', async () => {
    const handler = scripted();
    const server = await start({ '/t': handler });
    const ws = await client(wsUrl(server, '/t'));
    const peerSaw = closed(ws);
    ws.close(4001, 'later');
    expect(await peerSaw).toEqual({ code: 4001, reason: 'later' });
    expect((await handler.terminated()).reason).toEqual({
      type: 'remote',
      close: { code: 4001, reason: 'later' },
    });
  });

  it('remote without a code: an empty close is echoed', async () => {
    const handler = scripted();
    const server = await start({ '/t': handler });
    const peer = await rawPeer(server, '/t');
    peer.send({ opcode: 0x8 });
    const echo = await peer.frame();
    expect(echo.opcode).toBe(0x8);
    expect(echo.payload.length).toBe(0);
    expect((await handler.terminated()).reason).toEqual({ type: 'remote', close: null });
  });

  it('stop: 1000, terminate gets stop', async () => {
    const handler = scripted();
    const server = await start({ '/t': handler });
    const ws = await client(wsUrl(server, '/t'));
    const peerSaw = closed(ws);
    ws.send('stop');
    expect((await peerSaw).code).toBe(1000);
    expect((await handler.terminated()).reason).toEqual({ type: 'stop' });
  });

  it("stop by the handler's own close frame: its code; frames after it are dropped", async () => {
    const handler = scripted();
    const server = await start({ '/t': handler });
    const ws = await client(wsUrl(server, '/t'));
    const messages: string[] = [];
    ws.on('message', (data: Buffer) => messages.push(data.toString()));
    const peerSaw = closed(ws);
    ws.send('close');
    expect(await peerSaw).toEqual({ code: 4000, reason: 'bye' });
    expect(messages).toEqual([]);
    expect((await handler.terminated()).reason).toEqual({ type: 'stop' });
  });

  it('timeout: 1000 after idleTimeout without received data', async () => {
    const handler = scripted({ idleTimeout: 50 });
    const server = await start({ '/t': handler });
    const ws = await client(wsUrl(server, '/t'));
    expect((await closed(ws)).code).toBe(1000);
    expect((await handler.terminated()).reason).toEqual({ type: 'timeout' });
  });

  it('crash: 1011, terminate gets the error and the callback', async () => {
    const handler = scripted();
    const errors: unknown[] = [];
    const logger = {
      debug: () => undefined,
      info: () => undefined,
      warn: () => undefined,
      error: (obj: object) => void errors.push(obj),
    };
    const server = await start({ '/t': handler }, { logger });
    const ws = await client(wsUrl(server, '/t'));
    const peerSaw = closed(ws);
    ws.send('boom');
    expect((await peerSaw).code).toBe(1011);
    const { reason } = await handler.terminated();
    expect(reason).toMatchObject({
      type: 'crash',
      callback: 'websocketHandle',
      error: { message: 'boom' },
    });
    expect(errors).toHaveLength(1);
  });

  it('error badencoding: 1007 for invalid UTF-8 in a text frame', async () => {
    const handler = scripted();
    const server = await start({ '/t': handler });
    const peer = await rawPeer(server, '/t');
    peer.send({ opcode: 0x1, payload: Buffer.from([0xce, 0xba, 0xff]) });
    expect(await peer.closeCode()).toBe(1007);
    expect((await handler.terminated()).reason).toEqual({ type: 'error', error: 'badencoding' });
  });

  it('error badframe: 1002 for reserved bits', async () => {
    const handler = scripted();
    const server = await start({ '/t': handler });
    const peer = await rawPeer(server, '/t');
    peer.send({ opcode: 0x1, payload: 'x', rsv: 0b010 });
    expect(await peer.closeCode()).toBe(1002);
    expect((await handler.terminated()).reason).toEqual({ type: 'error', error: 'badframe' });
  });

  it('error badsize: 1009 for a message over maxFrameSize', async () => {
    const handler = scripted({ maxFrameSize: 10 });
    const server = await start({ '/t': handler });
    const peer = await rawPeer(server, '/t');
    peer.send({ opcode: 0x1, payload: '0123456789' });
    expect((await peer.frame()).payload.toString()).toBe('0123456789');
    peer.send({ opcode: 0x1, payload: '0123456789a' });
    expect(await peer.closeCode()).toBe(1009);
    expect((await handler.terminated()).reason).toEqual({ type: 'error', error: 'badsize' });
  });

  it('error closed: the socket closed without a close frame; nothing is sent', async () => {
    const handler = scripted();
    const server = await start({ '/t': handler });
    const peer = await rawPeer(server, '/t');
    peer.socket.end();
    expect((await handler.terminated()).reason).toEqual({ type: 'error', error: 'closed' });
    await peer.ended;
    expect(peer.chunks).toEqual([]);
  });

  it('error other: a socket error (reset) carries the Error', async () => {
    const handler = scripted();
    const server = await start({ '/t': handler });
    const peer = await rawPeer(server, '/t');
    peer.send({ opcode: 0x1, payload: 'x' });
    await peer.frame();
    peer.socket.resetAndDestroy();
    const { reason } = await handler.terminated();
    expect(reason).toMatchObject({ type: 'error', error: 'other', cause: { code: 'ECONNRESET' } });
  });

  it('shutdown: 1001 when the server closes', async () => {
    const handler = scripted();
    const server = await start({ '/t': handler });
    const ws = await client(wsUrl(server, '/t'));
    const peerSaw = closed(ws);
    await server.close();
    expect((await peerSaw).code).toBe(1001);
    expect((await handler.terminated()).reason).toEqual({ type: 'shutdown' });
  });

  it('counts open connections, frames and terminal reasons', async () => {
    const handler = scripted();
    const server = await start({ '/t': handler });
    const ws = await client(wsUrl(server, '/t'));
    ws.send('a');
    await message(ws);
    expect(server.metrics.open).toBe(1);
    ws.send('stop');
    await closed(ws);
    await handler.terminated();
    const snapshot = server.metrics.snapshot();
    expect(snapshot).toMatchObject({ open: 0, framesIn: 2, framesOut: 2 });
    expect(snapshot.terminated.stop).toBe(1);
  });
});

describe('isolation', () => {
  it.each([
    ['a crash', (ws: WebSocket) => ws.send('boom'), 1011],
    ['a protocol error', (ws: WebSocket) => ws.send(Buffer.from([0xff]), { binary: false }), 1007],
  ])('%s on one connection leaves 100 others working', async (_name, breakIt, code) => {
    const handler = scripted();
    const server = await start({ '/t': handler });
    const others = await Promise.all(
      Array.from({ length: 100 }, () => client(wsUrl(server, '/t'))),
    );
    const victim = await client(wsUrl(server, '/t'));
    const victimSaw = closed(victim);
    breakIt(victim);
    expect((await victimSaw).code).toBe(code);
    await handler.terminated();
    const echoes = others.map(async (ws, i) => {
      const next = message(ws);
      ws.send(`still ${i}`);
      return (await next).data.toString();
    });
    expect(await Promise.all(echoes)).toEqual(others.map((_ws, i) => `still ${i}`));
    expect(server.metrics.open).toBe(100);
  });
});
