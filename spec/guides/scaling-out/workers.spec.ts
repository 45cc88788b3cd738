/**
 * The workers program as it runs in production: a real process (`node --import tsx workers.ts`)
 * with two `node:cluster` workers on one port, on a real redis-server; SIGTERM ends it gracefully.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { freePort, startRedis, type TestRedis } from '../../redis/redisServer.js';
import { connectTo, eventually, stopAll, type JsonClient } from '../../redis/support.js';

const PROGRAM = fileURLToPath(new URL('./workers.ts', import.meta.url));

let redis: TestRedis;
beforeAll(async () => void (redis = await startRedis()));
afterAll(async () => redis?.stop());

let program: ChildProcess | undefined;
afterEach(async () => {
  await stopAll();
  if (program === undefined || program.exitCode !== null || program.signalCode !== null) return;
  const exited = once(program, 'exit');
  program.kill('SIGKILL');
  await exited;
});

/** Starts the program and resolves with its port once the primary says every worker listens. */
async function startProgram(): Promise<number> {
  const port = await freePort();
  const env = { ...process.env, PORT: String(port), REDIS_URL: redis.url, WORKERS: '2' };
  const stdio: ('ignore' | 'pipe' | 'inherit' | 'ipc')[] = ['ignore', 'pipe', 'inherit', 'ipc'];
  const child = fork(PROGRAM, [], { execArgv: ['--import', 'tsx'], env, stdio });
  program = child;
  let output = '';
  await new Promise<void>((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes(`rooms on port ${port}`)) resolve();
    });
    child.once('exit', (code) => reject(new Error(`exited with ${code}: ${output}`)));
  });
  return port;
}

/** A client in the lobby that sent its name (the room protocol is plain text). */
async function member(port: number, name: string): Promise<JsonClient> {
  const client = await connectTo(port, '/rooms/lobby');
  client.socket.send(name);
  expect(await client.nextOf('welcome')).toEqual({ type: 'welcome', room: 'lobby', name });
  return client;
}

describe('the workers program', () => {
  it('serves one set of rooms from two workers on one port, and ends gracefully on SIGTERM', async () => {
    const port = await startProgram();
    // Handed round-robin, consecutive connections land on different workers.
    const ann = await member(port, 'ann');
    const bob = await member(port, 'bob');
    // A join reaches the other worker a moment later: ann speaks until bob hears her.
    await eventually(
      async () => {
        ann.socket.send('hi');
        const heard = await bob.nextOf('message', 250).catch(() => undefined);
        return heard?.['from'] === 'ann';
      },
      10_000,
      'bob hears ann',
    );
    bob.socket.send('/to ann psst');
    expect(await ann.nextOf('whisper')).toEqual({ type: 'whisper', from: 'bob', text: 'psst' });
    const closes = [ann, bob].map(async ({ socket }) => (await once(socket, 'close'))[0]);
    const exited = once(program as ChildProcess, 'exit');
    program?.kill('SIGTERM');
    expect(await Promise.all(closes)).toEqual([1001, 1001]);
    expect((await exited)[0]).toBe(0);
  });
});
