import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import {
  active,
  commands,
  LocalRegistry,
  ok,
  reasons,
  reply,
  stop,
  text,
  type ConnectionRef,
  type ServeOptions,
} from '../../../src/index.js';
import type { Http2SecureServer, ServerHttp2Stream } from 'node:http2';
import { probe } from '../../fixtures/serverHandlers.js';
import {
  connectHeaders,
  dropConnection,
  h2Connect,
  openH2,
  type StreamSocket,
  useCertificate,
} from '../h2Peer.js';
import { client, closed, encodeFrame, message, start } from '../support.js';

/**
 * A WebSocket on an HTTP/2 stream behaves as one on its own TCP connection — limits, flow control,
 * closing — while it shares the connection with others: what one stream does (stall, flood, reset)
 * costs only that stream.
 */

const certificate = useCertificate();

const CHUNK = Buffer.alloc(16 * 1024, 7);
const CHUNKS = 256; // 4 MiB: 64 times the default HTTP/2 stream window
const DEFAULT_WINDOW = 65_535;

async function secure(routes: ServeOptions['routes'], options: Partial<ServeOptions> = {}) {
  const server = await start(routes, { tls: certificate(), ...options });
  let connections = 0;
  const streams = new Map<string, ServerHttp2Stream>();
  const http2Server = server.httpServer as Http2SecureServer;
  http2Server.on('connection', () => connections++);
  http2Server.on('stream', (stream, headers) => streams.set(headers[':path'] ?? '', stream));
  const session = await h2Connect(server.url);
  return { server, session, connections: () => connections, streams };
}

/**
 * The peer has to wait: the stream's receive window is used up, and what the server holds of it
 * (Node's buffer) is no more than one window.
 */
function expectBlocked(stream: ServerHttp2Stream | undefined): void {
  expect(stream?.state.localWindowSize).toBe(0);
  expect(stream?.readableLength).toBeLessThanOrEqual(DEFAULT_WINDOW);
}

/** Echoes `rounds` messages of 1 KiB, one after the other. */
async function busyEchoes(socket: StreamSocket, rounds: number): Promise<void> {
  for (let i = 0; i < rounds; i++) {
    socket.ws.send(Buffer.alloc(1024, i));
    expect((await message(socket.ws)).data[0]).toBe(i % 256);
  }
}

describe('many WebSockets on one HTTP/2 connection', () => {
  it('multiplexes 50 echoing sockets over one TCP connection', async () => {
    const { server, session, connections } = await secure({ '/echo': probe() });
    const sockets = await Promise.all(Array.from({ length: 50 }, () => openH2(session, '/echo')));
    await Promise.all(
      sockets.map(async ({ ws }, i) => {
        for (let round = 0; round < 10; round++) {
          ws.send(`${i}:${round}`);
          expect(String((await message(ws)).data)).toBe(`${i}:${round}`);
        }
      }),
    );
    expect(connections()).toBe(1);
    expect(server.metrics.upgraded).toEqual({ 'HTTP/1.1': 0, 'HTTP/2': 50 });
    expect(server.metrics.open).toBe(50);
  });
});

describe('the registry over HTTP/2', () => {
  it('broadcasts one serialized frame to members on streams and on TCP connections alike', async () => {
    const registry = new LocalRegistry();
    const member = probe({
      websocketInit: (state, ctx) => (registry.join('room', ctx.ref), ok(state)),
    });
    const { server, session } = await secure({ '/room': member }, { registry });
    const { ws: overH2 } = await openH2(session, '/room');
    const overH1 = await client(`${server.url.replace('https', 'wss')}/room`, {
      rejectUnauthorized: false,
    });
    expect(registry.broadcast('room', text('to all'))).toBe(2);
    expect(String((await message(overH2)).data)).toBe('to all');
    expect(String((await message(overH1)).data)).toBe('to all');
  });
});

describe('flow control per stream', () => {
  it('a stream paused by active(false) stalls alone, holds a bounded amount, loses nothing', async () => {
    let ref: ConnectionRef<string> | undefined;
    let handled = 0;
    const stalled = probe<null, string>({
      websocketInit: (state, ctx) => ((ref = ctx.ref), commands([active(false)], state)),
      websocketHandle: (frame, state) => {
        if (frame.type === 'binary' && ++handled === CHUNKS)
          return reply({ type: 'text', data: `${handled}` }, state);
        return ok(state);
      },
      websocketInfo: (_info, state) => commands([active(true)], state),
    });
    const { session, streams } = await secure({ '/stalled': stalled, '/busy': probe() });
    const flooder = await openH2(session, '/stalled');
    const busy = await openH2(session, '/busy');
    for (let i = 0; i < CHUNKS; i++) flooder.ws.send(CHUNK);
    // The busy stream of the same connection is served all along.
    await busyEchoes(busy, 200);
    expect(handled).toBe(0);
    expectBlocked(streams.get('/stalled'));
    expect(flooder.ws.bufferedAmount).toBeGreaterThan(CHUNKS * CHUNK.length - 2 * DEFAULT_WINDOW);
    ref?.send('go');
    expect(String((await message(flooder.ws)).data)).toBe(`${CHUNKS}`);
    expect(flooder.ws.bufferedAmount).toBe(0);
  });

  it('a stream whose handler is busy stops being read at readHighWater, alone', async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let handled = 0;
    const slow = probe(
      {
        websocketHandle: async (_frame, state) => {
          await gate;
          return ++handled === CHUNKS ? reply({ type: 'text', data: 'all' }, state) : ok(state);
        },
      },
      { readHighWater: 128 * 1024 },
    );
    const { server, session, streams } = await secure({ '/slow': slow, '/busy': probe() });
    const flooder = await openH2(session, '/slow');
    const busy = await openH2(session, '/busy');
    for (let i = 0; i < CHUNKS; i++) flooder.ws.send(CHUNK);
    await busyEchoes(busy, 200);
    // Past readHighWater (8 frames of 16 KiB) the stream is not read: its window closes.
    expectBlocked(streams.get('/slow'));
    expect(server.metrics.mailboxPeak).toBeGreaterThanOrEqual(7);
    expect(server.metrics.mailboxPeak).toBeLessThanOrEqual(9);
    release();
    expect(String((await message(flooder.ws)).data)).toBe('all');
    expect(handled).toBe(CHUNKS);
  });

  it('a stream whose peer does not read ends with backpressure at maxQueueBytes, alone', async () => {
    const flood = probe({
      websocketHandle: (_frame, state) => reply({ type: 'binary', data: CHUNK }, state),
    });
    const { session } = await secure(
      { '/flood': flood, '/busy': probe() },
      { maxQueueBytes: 1024 * 1024, shutdownTimeout: 200 },
    );
    const reader = await openH2(session, '/flood');
    const busy = await openH2(session, '/busy');
    reader.ws.pause();
    for (let i = 0; i < CHUNKS; i++) reader.ws.send('more');
    expect((await flood.terminated()).reason).toEqual(reasons.backpressure);
    await busyEchoes(busy, 100);
  });
});

describe('the end of a stream', () => {
  it('closes with the close handshake inside the stream, then both sides end it', async () => {
    const echo = probe();
    const { session } = await secure({ '/echo': echo });
    const { ws, stream } = await openH2(session, '/echo');
    const streamClosed = once(stream, 'close');
    ws.close(1000, 'bye');
    expect(await closed(ws)).toEqual({ code: 1000, reason: 'bye' });
    await streamClosed;
    expect(stream.rstCode).toBe(0);
    expect((await echo.terminated()).reason).toEqual(reasons.remote(1000, 'bye'));
  });

  it('resets its stream after the closing handshake, not waiting for the peer to end it', async () => {
    // Chromium does not end its side after the closing handshake: it waits for the server.
    const stopper = probe({ websocketHandle: (_frame, state) => stop(state) });
    const { session } = await secure({ '/stop': stopper });
    const stream = session.request(connectHeaders(session, '/stop'));
    await once(stream, 'response');
    stream.write(encodeFrame({ opcode: 0x1, payload: 'stop' }));
    const [closeFrame] = (await once(stream, 'data')) as [Buffer];
    expect([closeFrame[0], closeFrame.readUInt16BE(2)]).toEqual([0x88, 1000]);
    stream.write(encodeFrame({ opcode: 0x8, payload: closeFrame.subarray(2) }));
    // The client never ends its side; the server ends the stream with RST_STREAM NO_ERROR.
    await once(stream, 'close');
    expect(stream.rstCode).toBe(0);
    expect((await stopper.terminated()).reason).toEqual(reasons.stop);
  });

  it('a stream reset by the peer ends with error other and a typed cause; others go on', async () => {
    const echo = probe();
    const { server, session } = await secure({ '/echo': echo });
    const controller = new AbortController();
    const cancelled = session.request(connectHeaders(session, '/echo'), {
      signal: controller.signal,
    });
    cancelled.on('error', () => undefined);
    await once(cancelled, 'response');
    const errored = await openH2(session, '/echo');
    const other = await openH2(session, '/echo');
    controller.abort();
    errored.stream.destroy(new Error('client trouble'));
    const ends = [(await echo.terminated()).reason, (await echo.terminated()).reason];
    expect(ends).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          type: 'error',
          error: 'other',
          cause: expect.objectContaining({ code: 'RODEO_ERR_STREAM_RESET', http2Code: 8 }),
        }),
        expect.objectContaining({
          cause: expect.objectContaining({ code: 'RODEO_ERR_STREAM_RESET', http2Code: 2 }),
        }),
      ]),
    );
    other.ws.send('still here');
    expect(String((await message(other.ws)).data)).toBe('still here');
    expect(server.metrics.open).toBe(1);
  });

  it('every stream of a connection that goes away ends with error closed', async () => {
    const echo = probe();
    const { session } = await secure({ '/echo': echo });
    await openH2(session, '/echo');
    await openH2(session, '/echo');
    dropConnection(session);
    expect([(await echo.terminated()).reason, (await echo.terminated()).reason]).toEqual([
      reasons.error('closed'),
      reasons.error('closed'),
    ]);
  });

  it('idle timeout and message size limits close the stream as over HTTP/1.1', async () => {
    const idle = probe({}, { idleTimeout: 100 });
    const small = probe({}, { maxFrameSize: 1024 });
    const { session } = await secure({ '/idle': idle, '/small': small });
    const quiet = await openH2(session, '/idle');
    expect(await closed(quiet.ws)).toEqual({ code: 1000, reason: '' });
    expect((await idle.terminated()).reason).toEqual(reasons.timeout);
    const big = await openH2(session, '/small');
    big.ws.send(Buffer.alloc(2048));
    expect((await closed(big.ws)).code).toBe(1009);
    expect((await small.terminated()).reason).toEqual(reasons.error('badsize'));
  });

  it('keepalive pings keep a listen-only stream open past idleTimeout', async () => {
    const handler = probe({}, { idleTimeout: 300, keepalive: 100 });
    const { server, session } = await secure({ '/k': handler });
    const { ws } = await openH2(session, '/k');
    const started = Date.now();
    for (let pings = 0; pings < 6; pings++) await once(ws, 'ping');
    expect(Date.now() - started).toBeGreaterThanOrEqual(500);
    expect(ws.readyState).toBe(WebSocket.OPEN);
    expect(server.metrics.open).toBe(1);
  });
});
