/**
 * A real Debian `redis-server` for the specs: on a free port of 127.0.0.1, in a fresh temporary
 * directory, with persistence off (`--save '' --appendonly no`), never the system instance.
 * `crash()` kills it; `start()` starts it again on the same port, with no data.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Where Debian installs it (`scripts/install-test-deps.sh`). */
const REDIS_SERVER = '/usr/bin/redis-server';
const READY_TIMEOUT_MS = 10_000;

/** A running redis-server. */
export interface TestRedis {
  readonly url: string;
  readonly port: number;
  /** The running redis-server's pid. */
  readonly pid: number;
  /** Kills it (SIGKILL, as a crash); `start()` brings it back on the same port, empty. */
  crash(): Promise<void>;
  /** Starts it again after `crash()`. */
  start(): Promise<void>;
  /** Stops it for good and removes its directory. */
  stop(): Promise<void>;
}

/** Starts a redis-server on a free port. */
export async function startRedis(): Promise<TestRedis> {
  const dir = mkdtempSync(join(tmpdir(), 'rodeo-redis-'));
  let port = 0;
  let child: ChildProcess | undefined;
  // Another process may take the port between our probe and redis's bind: then try another.
  for (let attempt = 0; child === undefined; attempt++) {
    port = await freePort();
    child = await launch(port, dir).catch((err: unknown) => {
      if (attempt >= 4) throw err;
      return undefined;
    });
  }
  let running: ChildProcess = child;
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    get pid() {
      return running.pid ?? 0;
    },
    crash: () => kill(running, 'SIGKILL'),
    start: async () => void (running = await launch(port, dir)),
    stop: async () => {
      await kill(running, 'SIGTERM');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Starts redis-server and waits for its own "ready" line (not just any listener on the port). */
function launch(port: number, dir: string): Promise<ChildProcess> {
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir];
  args.push('--save', '', '--appendonly', 'no', '--daemonize', 'no', '--loglevel', 'notice');
  const child = spawn(REDIS_SERVER, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => fail('timed out'), READY_TIMEOUT_MS);
    const fail = (why: string): void => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(new Error(`redis-server did not start on ${port} (${why}): ${output.slice(-500)}`));
    };
    const collect = (chunk: Buffer): void => {
      output += chunk.toString();
      if (output.includes('Ready to accept connections')) {
        clearTimeout(timer);
        resolve(child);
      }
    };
    child.stdout?.on('data', collect);
    child.stderr?.on('data', collect);
    child.once('exit', (code) => fail(`exited with ${code}`));
  });
}

async function kill(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill(signal);
  await exited;
}

/** A port free right now on 127.0.0.1 (for servers that must be given theirs). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
