/**
 * Measures what flooders do to the demo chat's other members.
 *
 *   npx tsx spec/examples/measure/chatFlood.ts [readers=20] [seconds=8]
 *
 * The demo runs as its own process, compiled as `npm start` runs it (`scripts/build-demo.js`, then
 * `node dist/demo/examples/demo.js`; loopback, port 0).
 * `readers` members join and read everything. Then, one scenario at a time:
 *
 * - `huge`: one member sends 1 MiB of U+0001 (6 MiB once JSON-escaped, the attack the old demo
 *   fell to) in a loop, reconnecting whenever it is closed;
 * - `one`: one member sends the largest message the chat takes (1000 four-byte characters) as fast
 *   as its socket drains, reconnecting whenever it is closed;
 * - `ten`: ten such members at once.
 *
 * Printed per scenario: readers still open, their close codes, the most messages and bytes one
 * reader received (and per second), and how the flooders' connections ended.
 *
 * Measured here (Node 20, 2 shared cores, 20 readers, 8 s each): huge → 20/20 readers open, every
 * flooder connection closed with 1009 (117 of them), readers got 254 small events (joins and
 * leaves); one → 20/20 open, flooder connections closed with 1008 (155, each after its burst of 10
 * and 20 refusals), a reader got 484 messages, 124 KB/s; ten → 20/20 open, 138 KB/s per reader:
 * reconnecting gets a flooder a fresh allowance, so the room's allowance is what bounds readers.
 */
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const readers = Number(process.argv[2] ?? 20);
const seconds = Number(process.argv[3] ?? 8);
const SCENARIOS = {
  huge: { flooders: 1, message: '\u0001'.repeat(1024 * 1024) },
  one: { flooders: 1, message: '🤠'.repeat(1000) },
  ten: { flooders: 10, message: '🤠'.repeat(1000) },
} as const;

if (
  spawnSync(process.execPath, ['scripts/build-demo.js'], { cwd: ROOT, stdio: 'inherit' }).status
) {
  throw new Error('the demo build failed');
}
const demo = spawn(process.execPath, ['dist/demo/examples/demo.js'], {
  cwd: ROOT,
  env: { ...process.env, HOST: '127.0.0.1', PORT: '0' },
  stdio: ['ignore', 'pipe', 'inherit'],
});
const base = await loggedUrl();
try {
  for (const [name, scenario] of Object.entries(SCENARIOS)) {
    console.log(name, JSON.stringify(await run(scenario.flooders, scenario.message)));
  }
} finally {
  demo.kill('SIGTERM');
  await once(demo, 'exit');
}

async function run(flooders: number, message: string): Promise<Record<string, unknown>> {
  const members = await Promise.all(
    Array.from({ length: readers }, (_, i) => reader(`reader${i}`)),
  );
  const ends: Record<string, number> = {};
  let stop = false;
  const floods = Array.from({ length: flooders }, async () => {
    while (!stop) {
      const socket = new WebSocket(`${base}chat`);
      socket.on('error', () => undefined);
      socket.on('message', () => undefined);
      const [code] = await Promise.race([
        once(socket, 'close') as Promise<[number]>,
        once(socket, 'open').then(() => flood(socket, message, () => stop)),
      ]);
      ends[code] = (ends[code] ?? 0) + 1;
    }
  });
  await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
  stop = true;
  await Promise.all(floods);
  const open = members.filter((m) => m.socket.readyState === WebSocket.OPEN).length;
  const codes = members.flatMap((m) => (m.code === null ? [] : [m.code]));
  const most = members.reduce((a, m) => (m.bytes > a.bytes ? m : a));
  for (const m of members) m.socket.terminate();
  return {
    readersOpen: `${open}/${readers}`,
    readerCloseCodes: codes,
    mostMessagesPerReader: most.messages,
    mostBytesPerReader: most.bytes,
    bytesPerSecond: Math.round(most.bytes / seconds),
    flooderConnectionsEndedBy: ends,
  };
}

/** Sends `message` whenever the socket has drained, until closed or told to stop. */
async function flood(
  socket: WebSocket,
  message: string,
  stopped: () => boolean,
): Promise<[number]> {
  const closed = once(socket, 'close') as Promise<[number]>;
  let done = false;
  void closed.then(() => (done = true));
  while (!done && !stopped()) {
    if (socket.bufferedAmount < 1024 * 1024) socket.send(message);
    else await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setImmediate(resolve));
  }
  if (!done) socket.close(1000);
  return closed;
}

interface Reader {
  socket: WebSocket;
  messages: number;
  bytes: number;
  code: number | null;
}

async function reader(nick: string): Promise<Reader> {
  const socket = new WebSocket(`${base}chat?nick=${nick}`);
  const member: Reader = { socket, messages: 0, bytes: 0, code: null };
  socket.on('message', (data: Buffer) => {
    member.messages++;
    member.bytes += data.length;
  });
  socket.on('close', (code: number) => (member.code = code));
  await once(socket, 'open');
  return member;
}

async function loggedUrl(): Promise<string> {
  if (!demo.stdout) throw new Error('no stdout');
  for await (const line of createInterface({ input: demo.stdout })) {
    const url = /(http:\/\/\S+\/)/.exec(line)?.[1];
    if (url) return url.replace(/^http/, 'ws');
  }
  throw new Error('demo exited before listening');
}
