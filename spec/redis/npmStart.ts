/**
 * `npm start` as a user runs it, for the scale-out specs: in its own process group (killed whole by
 * `killStarted()`), on 127.0.0.1 and port 0, with `env` added.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const START_TIMEOUT_MS = 30_000;
const started: ChildProcess[] = [];

/**
 * Starts the demo; resolves with the port it logs once listening with a shared chat (with
 * `WORKERS`, once every worker logged it).
 */
export async function npmStart(env: Record<string, string>): Promise<number> {
  let waiting = Number(env['WORKERS'] ?? 1);
  const child = spawn('npm', ['start'], {
    cwd: ROOT,
    env: { ...process.env, HOST: '127.0.0.1', PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
    detached: true,
  });
  started.push(child);
  const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
  const timer = setTimeout(() => lines.close(), START_TIMEOUT_MS);
  try {
    for await (const line of lines) {
      const port = /rodeo demo on http:\/\/127\.0\.0\.1:(\d+)\/.*shared through/.exec(line)?.[1];
      if (port !== undefined && --waiting === 0) return Number(port);
    }
  } finally {
    clearTimeout(timer);
    child.stdout?.resume();
  }
  throw new Error('the demo did not start');
}

/** Kills every demo started here, whole process groups (npm, its shell, the demo, workers). */
export function killStarted(): void {
  for (const child of started.splice(0)) {
    try {
      if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err;
    }
  }
}
