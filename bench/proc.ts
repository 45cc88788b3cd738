/**
 * Child processes of the bench: every server and loader is spawned here, pinned to its own core,
 * with `ulimit -n` raised, and killed when the bench exits, fails or is interrupted.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';

/** A running child with its stdout as lines. */
export interface Child {
  readonly pid: number;
  readonly proc: ChildProcess;
  /**
   * Resolves with the first stdout line starting with `prefix` (rest of the line); rejects on an
   * `ERROR <message>` line, on exit, or after `timeoutMs`.
   */
  waitLine(prefix: string, timeoutMs: number): Promise<string>;
  /** Closes stdin, then escalates to SIGKILL; resolves once it exited. */
  stop(graceMs?: number): Promise<void>;
  /** Stderr collected so far (last 4 KB), for error messages. */
  stderr(): string;
}

/** Open files for servers and loaders: 10 000 idle connections need one each, on both sides. */
const NOFILE = 20_000;
const live = new Set<ChildProcess>();

/**
 * Spawns `cmd args` through bash with `ulimit -n` raised and, when `cpu` is given, pinned to that
 * core with taskset (bash `exec`s, so the pid is the program's).
 */
export function start(cmd: string, args: readonly string[], cpu?: number, cwd?: string): Child {
  const pin = cpu === undefined ? [] : ['taskset', '-c', String(cpu)];
  const script = `ulimit -n ${NOFILE} 2>/dev/null || ulimit -n "$(ulimit -Hn)"; exec "$@"`;
  const proc = spawn('bash', ['-c', script, 'bash', ...pin, cmd, ...args], {
    stdio: ['pipe', 'pipe', 'pipe'],
    ...(cwd === undefined ? {} : { cwd }),
  });
  if (proc.pid === undefined) throw new Error(`cannot spawn ${cmd}`);
  live.add(proc);
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  void exited.then(() => live.delete(proc));
  let err = '';
  proc.stderr?.on('data', (chunk: Buffer) => {
    err = (err + chunk.toString()).slice(-4096);
  });
  const lines: string[] = [];
  const waiters: Array<() => void> = [];
  createInterface({ input: proc.stdout as NodeJS.ReadableStream }).on('line', (line) => {
    lines.push(line);
    for (const w of waiters.splice(0)) w();
  });
  // Wake every pending waitLine on exit, so it rejects at once instead of timing out.
  proc.once('exit', () => setImmediate(() => waiters.splice(0).forEach((w) => w())));
  proc.stdin?.on('error', () => undefined);
  return {
    pid: proc.pid,
    proc,
    stderr: () => err,
    waitLine: (prefix, timeoutMs) =>
      new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          reject(new Error(`${cmd}: no "${prefix}" within ${timeoutMs} ms; stderr: ${err}`));
        }, timeoutMs);
        const check = (): void => {
          const failed = lines.findIndex((l) => l.startsWith('ERROR '));
          const i = lines.findIndex((l) => l.startsWith(prefix));
          if (failed >= 0) {
            clearTimeout(timer);
            const [line] = lines.splice(failed, 1);
            reject(new Error((line as string).slice('ERROR '.length)));
          } else if (i >= 0) {
            clearTimeout(timer);
            const [line] = lines.splice(i, 1);
            resolve((line as string).slice(prefix.length).trim());
          } else if (proc.exitCode !== null || proc.signalCode !== null) {
            clearTimeout(timer);
            reject(new Error(`${cmd} exited (${proc.exitCode ?? proc.signalCode}): ${err}`));
          } else waiters.push(check);
        };
        check();
      }),
    stop: async (graceMs = 3000) => {
      if (proc.exitCode !== null || proc.signalCode !== null) return;
      proc.stdin?.end();
      const timer = setTimeout(() => proc.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Kills every child still running (synchronously: safe in an `exit` handler). */
export function killAll(): void {
  for (const proc of live) proc.kill('SIGKILL');
  live.clear();
}

/** Kills children on every way out of the bench. */
export function killChildrenOnExit(): void {
  process.on('exit', killAll);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(signal, () => {
      killAll();
      process.exit(130);
    });
  }
}

/** Resident set size of a process in bytes (`VmRSS`), `NaN` if unreadable. */
export function rssBytes(pid: number): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'latin1');
    const m = /VmRSS:\s+(\d+) kB/.exec(status);
    return m ? Number(m[1]) * 1024 : Number.NaN;
  } catch {
    return Number.NaN;
  }
}

/**
 * Runs a bench entry point: children are killed on exit, and the process exits 0 on success or 1
 * with the error printed as `<name> failed: …`.
 */
export function runMain(name: string, main: () => Promise<void>): void {
  killChildrenOnExit();
  main().then(
    () => {
      killAll();
      process.exit(0);
    },
    (err: unknown) => {
      process.stderr.write(
        `${name} failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
      );
      killAll();
      process.exit(1);
    },
  );
}
