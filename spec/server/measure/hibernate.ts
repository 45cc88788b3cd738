/**
 * Measures idle memory per connection with and without `hibernate`.
 *
 *   npx tsx spec/server/measure/hibernate.ts [connections=500]
 *
 * The server runs in a child process (so client-side zlib memory is not counted); each client
 * negotiates permessage-deflate, exchanges one 4 KiB message, then idles. The child reports RSS
 * after a full GC, before and after the connections, for handlers that do and do not hibernate.
 *
 * Measured here (Node 20, 2 cores, 500 connections, KiB of RSS per idle connection, three runs):
 * deflate 292–300 → hibernate 120–126; deflate with client_no_context_takeover 293–303 →
 * hibernate 71–74; no deflate 45–66 either way (run-to-run noise, no measurable change).
 * Absolute numbers include ~20 KiB of heap per connection that tsx adds (esbuild keepNames gives
 * every closure a `name` property); a tsc build holds ~18 KiB of heap per idle connection.
 */
import { fork } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';
import { hibernate, ok, reply, serve, upgrade, type Handler } from '../../../src/index.js';

const connections = Number(process.argv[2] ?? 500);
const MESSAGE = 'rodeo '.repeat(700);

type Mode =
  | 'plain'
  | 'hibernate'
  | 'plain-client-no-context'
  | 'hibernate-client-no-context'
  | 'plain-nodeflate'
  | 'hibernate-nodeflate';

if (process.argv[2] === 'server') await runServer(process.argv[3] as Mode);
else await main();

async function main(): Promise<void> {
  const modes: Mode[] = [
    'plain',
    'hibernate',
    'plain-client-no-context',
    'hibernate-client-no-context',
    'plain-nodeflate',
    'hibernate-nodeflate',
  ];
  for (const mode of modes) {
    const child = fork(fileURLToPath(import.meta.url), ['server', mode], {
      execArgv: ['--import', 'tsx', '--expose-gc'],
    });
    const ask = async (what: string): Promise<Record<string, number>> => {
      child.send(what);
      const [reply] = (await once(child, 'message')) as [Record<string, number>];
      return reply;
    };
    const { port } = (await once(child, 'message'))[0] as { port: number };
    const before = await ask('measure');
    const sockets: WebSocket[] = [];
    for (let i = 0; i < connections; i++) {
      const ws = new WebSocket(`ws://127.0.0.1:${port}/m`, {
        perMessageDeflate: !mode.endsWith('nodeflate'),
      });
      await once(ws, 'open');
      ws.send(MESSAGE);
      await once(ws, 'message');
      sockets.push(ws);
    }
    const after = await ask('measure');
    const per = (key: string): string =>
      (((after[key] ?? 0) - (before[key] ?? 0)) / connections / 1024).toFixed(1);
    console.log(
      `${mode.padEnd(20)} per connection: rss ${per('rss')} KiB, heap ${per('heapUsed')} KiB, external ${per('external')} KiB`,
    );
    for (const ws of sockets) ws.terminate();
    child.kill();
  }
}

async function runServer(mode: Mode): Promise<void> {
  const hibernating = mode.startsWith('hibernate');
  const handler: Handler<null, never> = {
    init: () =>
      upgrade(null, {
        compress: mode.endsWith('nodeflate')
          ? false
          : { clientNoContextTakeover: mode.endsWith('client-no-context') },
      }),
    websocketHandle: (frame, state) =>
      frame.type === 'text'
        ? hibernating
          ? reply(frame, state, hibernate)
          : reply(frame, state)
        : ok(state),
    websocketInfo: (_info, state) => ok(state),
  };
  const server = await serve({ routes: { '/m': handler } });
  process.on('message', async () => {
    // Let hibernation (setImmediate) and socket bookkeeping settle, then collect twice.
    await new Promise((resolve) => setTimeout(resolve, 200));
    globalThis.gc?.();
    globalThis.gc?.();
    const { rss, heapUsed, external } = process.memoryUsage();
    process.send?.({ rss, heapUsed, external });
  });
  process.send?.({ port: server.port });
}
