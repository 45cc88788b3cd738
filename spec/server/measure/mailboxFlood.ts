/**
 * Measures what a client flooding a busy handler costs the server and its other clients.
 *
 *   npx tsx spec/server/measure/mailboxFlood.ts [frames=150000] [kind=frames|infos]
 *
 * The server runs in a child process with one route whose first `websocketHandle` waits until the
 * parent says so (a slow asynchronous handler), and an echo route. `frames`: a raw peer writes that
 * many one-byte text frames at once; `infos`: the server sends the busy connection that many infos
 * itself. Meanwhile another client measures echo round trips, while the handler is busy and then
 * while the backlog drains, until every frame (or accepted info) was handled. The child reports
 * its mailbox metrics, the largest V8 heap it saw (sampled every 10 ms) over its heap before the
 * flood, and its longest event-loop delay.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';
import {
  ok,
  reply,
  serve,
  text,
  upgrade,
  type ConnectionRef,
  type Handler,
} from '../../../src/index.js';
import { encodeFrame, RawPeer, upgradeHeaders } from '../support.js';
import net from 'node:net';

const count = Number(process.argv[2] ?? 150_000);
const kind = process.argv[3] === 'infos' ? 'infos' : 'frames';

if (process.argv[4] === 'server') await runServer();
else await main();

async function main(): Promise<void> {
  const child = fork(fileURLToPath(import.meta.url), [String(count), kind, 'server'], {
    execArgv: [
      '--import',
      'tsx',
      '--expose-gc',
      ...(process.env['TRACE_GC'] ? ['--trace-gc'] : []),
    ],
  });
  const { port } = (await once(child, 'message'))[0] as { port: number };
  const echo = new WebSocket(`ws://127.0.0.1:${port}/echo`);
  await once(echo, 'open');
  const peer = await rawUpgrade(port, '/slow');
  peer.write(encodeFrame({ opcode: 0x1, payload: 'busy' }));
  await ask(child, 'busy');
  const started = performance.now();
  if (kind === 'frames') {
    const one = encodeFrame({ opcode: 0x1, payload: 'x' });
    peer.write(Buffer.concat(Array.from({ length: count }, () => one)));
  } else child.send({ type: 'infos' });
  const busy = await roundTrips(echo, 300);
  child.send({ type: 'release' });
  const drained = roundTripsUntil(echo, child);
  const report = await drained;
  const all = [...busy, ...report.times].sort((a, b) => a - b);
  console.log(
    JSON.stringify({
      kind,
      count,
      seconds: ((performance.now() - started) / 1000).toFixed(2),
      roundTrips: all.length,
      rttP50ms: pick(all, 0.5),
      rttP99ms: pick(all, 0.99),
      rttMaxms: pick(all, 1),
      busyMaxms: pick(
        [...busy].sort((a, b) => a - b),
        1,
      ),
      drainMaxms: pick(
        [...report.times].sort((a, b) => a - b),
        1,
      ),
      ...report.server,
    }),
  );
  echo.terminate();
  peer.socket.destroy();
  child.kill();
}

async function runServer(): Promise<void> {
  let release: () => void = () => undefined;
  const released = new Promise<void>((resolve) => (release = resolve));
  let handled = 0;
  let ref: ConnectionRef<number> | undefined;
  let accepted = 0;
  const slow: Handler<number, number> = {
    init: () => upgrade(0, { idleTimeout: Infinity }),
    websocketInit: (n, ctx) => {
      ref = ctx.ref;
      return ok(n);
    },
    websocketHandle: (_frame, n) => {
      handled++;
      if (n === 0) {
        process.send?.({ type: 'busy' });
        return released.then(() => ok(1));
      }
      return ok(n + 1);
    },
    websocketInfo: (_info, n) => {
      handled++;
      return ok(n);
    },
  };
  const echo: Handler<null> = {
    init: () => upgrade(null),
    websocketHandle: (frame, s) => (frame.type === 'text' ? reply(text(frame.data), s) : ok(s)),
    websocketInfo: (_i, s) => ok(s),
  };
  const server = await serve({ routes: { '/slow': slow, '/echo': echo } });
  const delay = monitorEventLoopDelay({ resolution: 5 });
  globalThis.gc?.();
  const heapBefore = process.memoryUsage().heapUsed;
  let heapPeak = heapBefore;
  setInterval(() => (heapPeak = Math.max(heapPeak, process.memoryUsage().heapUsed)), 10).unref();
  process.on('message', (message: { type: string }) => {
    if (message.type === 'infos') {
      delay.enable();
      for (let i = 0; i < count; i++) if (ref?.send(i)) accepted++;
    } else if (message.type === 'release') {
      delay.enable();
      release();
    } else if (message.type === 'progress') {
      const target = kind === 'frames' ? count + 1 : accepted + 1;
      process.send?.({
        type: 'progress',
        done: handled >= target,
        server: {
          handled,
          infosAccepted: accepted,
          mailboxPeak: server.metrics.mailboxPeak,
          infosDropped: server.metrics.infosDropped,
          heapGrowthMB: ((heapPeak - heapBefore) / 2 ** 20).toFixed(1),
          loopDelayMaxms: (delay.max / 1e6).toFixed(1),
        },
      });
    }
  });
  process.send?.({ port: server.port });
}

async function ask(child: ChildProcess, type: string): Promise<void> {
  for (;;) {
    const [message] = (await once(child, 'message')) as [{ type: string }];
    if (message.type === type) return;
  }
}

async function rawUpgrade(port: number, path: string): Promise<RawPeer> {
  const socket = net.connect(port, '127.0.0.1');
  await once(socket, 'connect');
  const head = Object.entries(upgradeHeaders())
    .map(([name, value]) => `${name}: ${value}\r\n`)
    .join('');
  socket.write(`GET ${path} HTTP/1.1\r\n${head}\r\n`);
  const [chunk] = (await once(socket, 'data')) as [Buffer];
  if (!chunk.toString().startsWith('HTTP/1.1 101')) throw new Error('no upgrade');
  return new RawPeer(socket);
}

async function roundTrip(echo: WebSocket, i: number): Promise<number> {
  const sent = performance.now();
  echo.send(`rtt ${i}`);
  await once(echo, 'message');
  return performance.now() - sent;
}

async function roundTrips(echo: WebSocket, ms: number): Promise<number[]> {
  const times: number[] = [];
  const end = performance.now() + ms;
  for (let i = 0; performance.now() < end; i++) times.push(await roundTrip(echo, i));
  return times;
}

async function roundTripsUntil(
  echo: WebSocket,
  child: ChildProcess,
): Promise<{ times: number[]; server: Record<string, unknown> }> {
  const times: number[] = [];
  for (let i = 0; ; i++) {
    times.push(await roundTrip(echo, i));
    if (i % 20 !== 0) continue;
    child.send({ type: 'progress' });
    const [progress] = (await once(child, 'message')) as [
      { done: boolean; server: Record<string, unknown> },
    ];
    if (progress.done) return { times, server: progress.server };
  }
}

function pick(sorted: readonly number[], quantile: number): string {
  const index = Math.min(sorted.length - 1, Math.floor(sorted.length * quantile));
  return (sorted[index] ?? 0).toFixed(1);
}
