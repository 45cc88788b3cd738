import { afterEach, describe, expect, it } from 'vitest';
import {
  active,
  binary,
  commands,
  deflate,
  ok,
  ping,
  pong,
  reply,
  text,
  type ConnectionRef,
  type Logger,
} from '../../../src/index.js';
import { probe } from '../../fixtures/serverHandlers.js';
import {
  client,
  closeAll,
  closed,
  encodeFrame,
  message,
  rawPeer,
  rawRequest,
  start,
  upgradeHeaders,
  wsUrl,
} from '../support.js';

afterEach(closeAll);

const FRAME = Buffer.alloc(16 * 1024, 7);

function closePayload(code: number): Buffer {
  const payload = Buffer.alloc(2);
  payload.writeUInt16BE(code);
  return payload;
}
const noop = (): void => undefined;
const logger: { -readonly [K in keyof Logger]: Logger[K] } = {
  debug: noop,
  info: noop,
  warn: noop,
  error: noop,
};

/** Keeps sending 16 KiB frames, one result per event-loop turn, until the connection ends. */
function flooder() {
  return probe<null, 'go'>({
    websocketInit: (state, ctx) => {
      ctx.ref.send('go');
      return ok(state);
    },
    websocketInfo: (_info, state, ctx) => {
      setImmediate(() => ctx.ref.send('go'));
      return reply(binary(FRAME), state);
    },
  });
}

describe('outbound queue bound', () => {
  it('ends a never-reading peer with backpressure (1008) within the queue bound', async () => {
    const maxQueueBytes = 256 * 1024;
    const handler = flooder();
    const server = await start({ '/flood': handler }, { maxQueueBytes });
    const peer = await rawPeer(server, '/flood');
    peer.socket.pause();
    const { reason } = await handler.terminated();
    expect(reason).toEqual({ type: 'backpressure', queue: 'outbound' });
    expect(server.metrics.peakQueueBytes).toBeGreaterThan(0);
    expect(server.metrics.peakQueueBytes).toBeLessThanOrEqual(maxQueueBytes);
    // Once the peer reads again, it finds the data frames and then the 1008 close frame.
    peer.socket.resume();
    expect(await peer.closeCode()).toBe(1008);
  });

  it('writes the frames of one result up to the bound, in order, then ends with 1008', async () => {
    // 200 frames of 1 KiB (+ 4 bytes of header) in one result, against a 64 KiB bound: the
    // frames that fit are written (as if each were written alone), the one past it and the rest
    // are not, and the close frame follows them.
    const handler = probe<null, never>({
      websocketHandle: (_frame, state) =>
        reply(
          Array.from({ length: 200 }, (_, i) => binary(Buffer.alloc(1024, i))),
          state,
        ),
    });
    const server = await start({ '/burst': handler }, { maxQueueBytes: 64 * 1024 });
    const peer = await rawPeer(server, '/burst');
    peer.send({ opcode: 0x1, payload: 'go' });
    const fitting = Math.floor((64 * 1024) / 1028);
    for (let i = 0; i < fitting; i++) {
      const frame = await peer.frame();
      expect([frame.opcode, frame.payload.length, frame.payload[0]]).toEqual([0x2, 1024, i]);
    }
    const next = await peer.frame();
    expect([next.opcode, next.payload.readUInt16BE(0)]).toEqual([0x8, 1008]);
    expect((await handler.terminated()).reason).toEqual({
      type: 'backpressure',
      queue: 'outbound',
    });
  });

  it('destroys the socket if the peer still does not read', async () => {
    const handler = flooder();
    const socketClosed = new Promise<void>((resolve) => {
      logger.debug = (_obj: object, msg?: string) => {
        if (msg === 'socket closed') resolve();
      };
    });
    const server = await start(
      { '/flood': handler },
      { maxQueueBytes: 64 * 1024, shutdownTimeout: 50, logger },
    );
    const peer = await rawPeer(server, '/flood');
    peer.socket.pause();
    await handler.terminated();
    // The peer still reads nothing; ws's close timer (shutdownTimeout) destroys the socket.
    await socketClosed;
    expect(server.metrics.open).toBe(0);
  });
});

describe('order and batching', () => {
  it('writes the frames of one result in one write, in order, before the next result', async () => {
    const handler = probe<null, string>({
      websocketHandle: (frame, state) =>
        frame.type === 'text' && frame.data === 'three'
          ? reply([text('a'), text('b'), binary(Buffer.from('c'))], state)
          : reply(text('d'), state),
    });
    const server = await start({ '/o': handler });
    const peer = await rawPeer(server, '/o');
    peer.send({ opcode: 0x1, payload: 'three' });
    const got = [await peer.frame(), await peer.frame(), await peer.frame()];
    expect(got.map((f) => f.payload.toString())).toEqual(['a', 'b', 'c']);
    expect(peer.chunks).toHaveLength(1);
    peer.send({ opcode: 0x1, payload: 'next' });
    expect((await peer.frame()).payload.toString()).toBe('d');
  });

  // Replies of one read leave together at the end of the tick; what ws answers by itself in the
  // middle of that read (a pong, the close reply, a protocol error's close) must not overtake the
  // replies to the frames read before it.
  it.each([
    ['a pong', encodeFrame({ opcode: 0x9, payload: 'p' }), [0xa, 'p']],
    ['the close reply', encodeFrame({ opcode: 0x8, payload: closePayload(1000) }), [0x8, 1000]],
    ['a protocol error’s close', encodeFrame({ opcode: 0x3, payload: 'x' }), [0x8, 1002]],
  ])('writes the replies read before ws answers with %s first', async (_name, bytes, answer) => {
    const handler = probe<null, string>({
      websocketHandle: (frame, state) =>
        frame.type === 'text' ? reply(text(`re ${frame.data}`), state) : ok(state),
    });
    const server = await start({ '/e': handler });
    const peer = await rawPeer(server, '/e');
    peer.write(Buffer.concat([encodeFrame({ opcode: 0x1, payload: 'a' }), bytes]));
    const first = await peer.frame();
    expect([first.opcode, first.payload.toString()]).toEqual([0x1, 're a']);
    const second = await peer.frame();
    const value =
      second.opcode === 0x8 ? second.payload.readUInt16BE(0) : second.payload.toString();
    expect([second.opcode, value]).toEqual(answer);
  });

  it('writes the reply to a message read just before the peer’s FIN', async () => {
    const handler = probe<null, string>({
      websocketHandle: (frame, state) =>
        frame.type === 'text' ? reply(text(`re ${frame.data}`), state) : ok(state),
    });
    const server = await start({ '/e': handler });
    const { peer } = await rawRequest(server, '/e', upgradeHeaders(), { allowHalfOpen: true });
    // The message and the FIN in one go: ws ends the socket while the reply is being staged.
    peer.socket.end(encodeFrame({ opcode: 0x1, payload: 'a' }));
    expect((await peer.frame()).payload.toString()).toBe('re a');
  });

  it('writes the replies read before a message over the limit, then closes with 1009', async () => {
    const handler = probe<null, string>(
      {
        websocketHandle: (frame, state) =>
          frame.type === 'text' ? reply(text(`re ${frame.data}`), state) : ok(state),
      },
      { maxFrameSize: 16 },
    );
    const server = await start({ '/e': handler });
    const peer = await rawPeer(server, '/e');
    peer.write(
      Buffer.concat([
        encodeFrame({ opcode: 0x1, payload: 'a' }),
        encodeFrame({ opcode: 0x1, payload: 'x'.repeat(17) }),
      ]),
    );
    expect((await peer.frame()).payload.toString()).toBe('re a');
    expect(await peer.closeCode()).toBe(1009);
  });

  it("sends the handler's own ping and pong frames", async () => {
    const handler = probe<null, string>({
      websocketHandle: (_frame, state) =>
        reply([ping(Buffer.from('p1')), pong(Buffer.from('p2')), text('done')], state),
    });
    const server = await start({ '/p': handler });
    const peer = await rawPeer(server, '/p');
    peer.send({ opcode: 0x1, payload: 'go' });
    const frames = [await peer.frame(), await peer.frame(), await peer.frame()];
    expect(frames.map((f) => [f.opcode, f.payload.toString()])).toEqual([
      [0x9, 'p1'],
      [0xa, 'p2'],
      [0x1, 'done'],
    ]);
  });

  it('answers a ping with a pong before the handler sees it', async () => {
    const handler = probe<null, string>({
      websocketHandle: (frame, state) =>
        frame.type === 'ping' ? reply(text('handler saw ping'), state) : ok(state),
    });
    const server = await start({ '/p': handler });
    const peer = await rawPeer(server, '/p');
    peer.send({ opcode: 0x9, payload: 'hello' });
    const first = await peer.frame();
    expect(first.opcode).toBe(0xa);
    expect(first.payload.toString()).toBe('hello');
    expect((await peer.frame()).payload.toString()).toBe('handler saw ping');
  });

  it('hands a pong to the handler with its payload, in order with the messages around it', async () => {
    const handler = probe<null, string>({
      websocketHandle: (frame, state) =>
        frame.type === 'pong' || frame.type === 'text'
          ? reply(text(`${frame.type} ${frame.data.toString()}`), state)
          : ok(state),
    });
    const server = await start({ '/p': handler });
    const peer = await rawPeer(server, '/p');
    peer.send({ opcode: 0x1, payload: 'a' });
    peer.send({ opcode: 0xa, payload: 'beat' });
    peer.send({ opcode: 0x1, payload: 'b' });
    const seen = [await peer.frame(), await peer.frame(), await peer.frame()];
    expect(seen.map((f) => f.payload.toString())).toEqual(['text a', 'pong beat', 'text b']);
  });
});

describe('deflate command', () => {
  it('switches compression off and on for the frames that follow', async () => {
    const big = 'x'.repeat(4096);
    const handler = probe<null, string>(
      {
        websocketHandle: (_frame, state) =>
          commands([text(big), deflate(false), text(big), deflate(true), text(big)], state),
      },
      { compress: true },
    );
    const server = await start({ '/d': handler });
    const peer = await rawPeer(server, '/d', {
      'Sec-WebSocket-Extensions': 'permessage-deflate; client_max_window_bits',
    });
    peer.send({ opcode: 0x1, payload: 'go' });
    const frames = [await peer.frame(), await peer.frame(), await peer.frame()];
    expect(frames.map((f) => f.rsv)).toEqual([0b100, 0, 0b100]);
    expect(frames[1]?.payload.toString()).toBe(big);
    expect(handler.contexts[0]?.compress).toBe(true);
  });
});

describe('active', () => {
  it('active(false) stops reading: pings go unanswered and the idle timer still fires', async () => {
    const handler = probe<null, string>(
      { websocketInit: (state) => commands([active(false)], state) },
      { idleTimeout: 100 },
    );
    const server = await start({ '/a': handler });
    const ws = await client(wsUrl(server, '/a'));
    let pongs = 0;
    ws.on('pong', () => pongs++);
    const pinger = setInterval(() => ws.ping(), 10);
    try {
      expect((await closed(ws)).code).toBe(1000);
    } finally {
      clearInterval(pinger);
    }
    expect((await handler.terminated()).reason).toEqual({ type: 'timeout' });
    expect(pongs).toBe(0);
  });

  it('active(true) resumes reading: what arrived meanwhile is then delivered', async () => {
    let ref: ConnectionRef<string> | undefined;
    const handler = probe<null, string>({
      websocketInit: (state, ctx) => {
        ref = ctx.ref;
        return commands([active(false), text('paused')], state);
      },
      websocketInfo: (_info, state) => commands([active(true)], state),
    });
    const server = await start({ '/a': handler });
    const ws = await client(wsUrl(server, '/a'));
    expect((await message(ws)).data.toString()).toBe('paused');
    ws.send('while paused');
    const echoed = message(ws);
    ref?.send('resume');
    expect((await echoed).data.toString()).toBe('while paused');
  });
});
