/**
 * What every Node server under test shares with the orchestrator: it prints `LISTENING <port>` once
 * it listens, answers `mem` on stdin with `MEM {"rss":…,"heapUsed":…}` and `snap FILE` with a heap
 * snapshot and `SNAP FILE` (both after a full GC), and exits
 * when stdin closes, so no server outlives the bench.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { writeHeapSnapshot } from 'node:v8';

/** Paths every server serves (Socket.IO takes them as `mode` in its query instead). */
export const PATHS = {
  echo: '/echo',
  deflate: '/z',
  deflateHibernate: '/zh',
  hibernate: '/h',
  multi: '/multi',
  broadcast: '/bcast',
  pair: '/pair',
  pipeline: '/p',
} as const;

/** The Redis URL a server is given when it runs as one node of several (`--redis=URL`). */
export function redisUrlArg(): string | undefined {
  return process.argv.find((a) => a.startsWith('--redis='))?.slice('--redis='.length);
}

/** A throwaway self-signed certificate for 127.0.0.1, made with openssl (for `--tls`). */
export function selfSigned(): { key: Buffer; cert: Buffer } {
  const dir = mkdtempSync(join(tmpdir(), 'rodeo-bench-tls-'));
  try {
    execFileSync(
      '/usr/bin/openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-days',
        '1',
        '-subj',
        '/CN=127.0.0.1',
        '-keyout',
        join(dir, 'key.pem'),
        '-out',
        join(dir, 'cert.pem'),
      ],
      { stdio: 'ignore' },
    );
    return { key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Reply frames per request in the multi-frame scenario. */
export const MULTI_FRAMES = 10;

/**
 * Announces the port and starts answering the orchestrator.
 *
 * @param port The port the server listens on.
 * @param stop Closes the server before the process exits.
 */
export function serveControl(port: number, stop: () => Promise<void> | void): void {
  const lines = createInterface({ input: process.stdin });
  lines.on('line', (line) => {
    const [command, arg] = line.trim().split(' ');
    const gc = (globalThis as { gc?: () => void }).gc;
    gc?.();
    gc?.();
    if (command === 'snap' && arg !== undefined) {
      process.stdout.write(`SNAP ${writeHeapSnapshot(arg)}\n`);
      return;
    }
    if (command !== 'mem') return;
    const { rss, heapUsed, external, arrayBuffers } = process.memoryUsage();
    process.stdout.write(`MEM ${JSON.stringify({ rss, heapUsed, external, arrayBuffers })}\n`);
  });
  lines.on('close', () => {
    void Promise.resolve(stop()).finally(() => process.exit(0));
    setTimeout(() => process.exit(0), 2000).unref();
  });
  process.stdout.write(`LISTENING ${port}\n`);
}
