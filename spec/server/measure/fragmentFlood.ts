/**
 * Measures what a flood of 1-byte fragments costs the server.
 *
 *   npx tsx spec/server/measure/fragmentFlood.ts
 *
 * For each `maxFrameSize`, the server (a child process) upgrades one raw peer, which sends a text
 * message as one 1-byte first fragment and then 1-byte continuations up to the fragment limit,
 * never finishing it. The child reports RSS and heap after a full GC, before and after; then one
 * more fragment must end the connection with 1009.
 *
 * Measured here (Node 20, 2 cores, two runs): 1 MiB → 16 384 fragments, heap +1.9 MiB, RSS
 * +4.4–5.1 MiB; 16 MiB → 262 144 fragments, heap +27.3 MiB, RSS +52–54 MiB; both then 1009.
 */
import { fork } from 'node:child_process';
import { once } from 'node:events';
import net from 'node:net';
import { fileURLToPath } from 'node:url';
import { fragmentLimit, ok, serve, upgrade, type Handler } from '../../../src/index.js';
import { encodeFrame, RawPeer } from '../support.js';

const sizes = [1024 * 1024, 16 * 1024 * 1024];

if (process.argv[2] === 'server') await runServer(Number(process.argv[3]));
else await main();

async function main(): Promise<void> {
  for (const maxFrameSize of sizes) {
    const child = fork(fileURLToPath(import.meta.url), ['server', String(maxFrameSize)], {
      execArgv: ['--import', 'tsx', '--expose-gc'],
    });
    const ask = async (): Promise<Record<string, number>> => {
      child.send('measure');
      return ((await once(child, 'message')) as [Record<string, number>])[0];
    };
    const { port } = (await once(child, 'message'))[0] as { port: number };
    const before = await ask();
    const socket = net.connect(port, '127.0.0.1');
    await once(socket, 'connect');
    socket.write(
      'GET /f HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
        'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n',
    );
    await once(socket, 'data');
    const peer = new RawPeer(socket);
    const limit = fragmentLimit(maxFrameSize);
    const one = encodeFrame({ opcode: 0x0, payload: 'x', fin: false });
    const batch = Buffer.concat(Array.from({ length: 4096 }, () => one));
    socket.write(encodeFrame({ opcode: 0x1, payload: 'x', fin: false }));
    let sent = 1;
    while (sent + 4096 < limit) {
      if (!socket.write(batch)) await once(socket, 'drain');
      sent += 4096;
    }
    while (sent < limit) {
      socket.write(one);
      sent++;
    }
    const after = await ask();
    const grown = ((after.rss ?? 0) - (before.rss ?? 0)) / 1024 / 1024;
    const heap = ((after.heapUsed ?? 0) - (before.heapUsed ?? 0)) / 1024 / 1024;
    socket.write(one);
    const code = await peer.closeCode();
    const mib = maxFrameSize / 1024 / 1024;
    console.log(
      `maxFrameSize ${mib} MiB: ${limit} fragments held → rss +${grown.toFixed(1)} MiB ` +
        `(${(grown / mib).toFixed(2)}× maxFrameSize), heap +${heap.toFixed(1)} MiB; ` +
        `fragment ${limit + 1} → close ${code}`,
    );
    socket.destroy();
    child.kill();
  }
}

async function runServer(maxFrameSize: number): Promise<void> {
  const handler: Handler<null, never> = {
    init: () => upgrade(null, { maxFrameSize }),
    websocketHandle: (_frame, state) => ok(state),
    websocketInfo: (_info, state) => ok(state),
  };
  const server = await serve({ routes: { '/f': handler } });
  process.on('message', async () => {
    // Give the receiver time to parse what is on the socket, then collect.
    await new Promise((resolve) => setTimeout(resolve, 500));
    globalThis.gc?.();
    globalThis.gc?.();
    const { rss, heapUsed } = process.memoryUsage();
    process.send?.({ rss, heapUsed });
  });
  process.send?.({ port: server.port });
}
