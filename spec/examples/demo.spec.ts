import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import type WebSocket from 'ws';
import { h2Connect, makeCertificate, openH2 } from '../server/h2Peer.js';
import { closeAll, message } from '../server/support.js';
import { closed, openClient, terminateAll } from './support.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/**
 * `npm start` itself, as a user runs it: npm, the shell it runs the script with, and the demo.
 * Signals go to the process `spawn` returns (npm), or to its whole process group as a terminal's
 * Ctrl-C does — so these specs prove that what the README promises holds for the real command.
 */
describe('npm start (examples/demo.ts, compiled)', () => {
  const clients: WebSocket[] = [];
  let child: ChildProcess | undefined;

  afterEach(() => {
    terminateAll(clients);
    // Whatever is left of the group goes, npm or not (a demo npm left behind is what this file
    // guards against); a passing spec leaves nothing, and the group is then gone (ESRCH).
    if (child?.pid !== undefined) {
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err;
      }
    }
    child = undefined;
  });

  /** `npm start` in its own process group, with `env` added (loopback, port 0). */
  function npmStart(env: Record<string, string>): ChildProcess {
    child = spawn('npm', ['start'], {
      cwd: ROOT,
      env: { ...process.env, HOST: '127.0.0.1', PORT: '0', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    return child;
  }

  /** The port the demo logs once it listens. */
  async function loggedPort(proc: ChildProcess): Promise<number> {
    if (!proc.stdout) throw new Error('no stdout');
    for await (const line of createInterface({ input: proc.stdout })) {
      const port = /rodeo demo on https?:\/\/127\.0\.0\.1:(\d+)\//.exec(line)?.[1];
      if (port) {
        proc.stdout.resume();
        return Number(port);
      }
    }
    throw new Error('demo exited before listening');
  }

  /** Whether a new server can listen on the port (nothing holds it any more). */
  async function portIsFree(port: number): Promise<boolean> {
    const probe = createServer();
    try {
      probe.listen(port, '127.0.0.1');
      await once(probe, 'listening');
      return true;
    } catch {
      return false;
    } finally {
      probe.close();
    }
  }

  it('SIGTERM to npm reaches the demo: 1001 to clients, exit 0, port released', async () => {
    const proc = npmStart({ ECHO_MAX_FRAME_SIZE: '64' });
    const port = await loggedPort(proc);
    const base = `ws://127.0.0.1:${port}`;

    const echo = await openClient(`${base}/echo`, clients);
    echo.socket.send('x'.repeat(64));
    expect(await echo.inbox.text()).toBe('x'.repeat(64));
    const tooBig = closed(echo.socket);
    echo.socket.send('x'.repeat(65));
    expect((await tooBig).code).toBe(1009);

    const chat = await openClient(`${base}/chat`, clients);
    const goingAway = closed(chat.socket);
    const exit = once(proc, 'exit');
    expect(await portIsFree(port)).toBe(false);
    proc.kill('SIGTERM');
    expect((await goingAway).code).toBe(1001);
    expect(await exit).toEqual([0, null]);
    expect(await portIsFree(port)).toBe(true);
  });

  it('runs the compiled demo under plain node: npm → node dist/demo/examples/demo.js', async () => {
    const proc = npmStart({});
    await loggedPort(proc);
    // `exec` leaves npm one child, the demo itself: no shell between, no TypeScript loader in it.
    const [demo, ...others] = readFileSync(`/proc/${proc.pid}/task/${proc.pid}/children`, 'utf8')
      .trim()
      .split(' ');
    expect(others).toEqual([]);
    const argv = readFileSync(`/proc/${demo}/cmdline`, 'utf8').split('\0').slice(0, -1);
    expect(argv.slice(1)).toEqual(['dist/demo/examples/demo.js']);
    expect(readFileSync(`/proc/${demo}/comm`, 'utf8')).toBe('node\n');
  });

  it('Ctrl-C (SIGINT to the process group) closes once, gracefully, and exits 0', async () => {
    const proc = npmStart({});
    const port = await loggedPort(proc);
    const clock = await openClient(`ws://127.0.0.1:${port}/clock`, clients);
    const goingAway = closed(clock.socket);
    const exit = once(proc, 'exit');
    // The demo gets this SIGINT from the "terminal" and again from npm, which forwards it.
    process.kill(-(proc.pid ?? 0), 'SIGINT');
    expect((await goingAway).code).toBe(1001);
    expect(await exit).toEqual([0, null]);
    expect(await portIsFree(port)).toBe(true);
  });

  it('serves HTTPS and WSS with TLS_CERT and TLS_KEY, HTTP/2 and HTTP/1.1', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'rodeo-demo-tls-'));
    try {
      const { cert, key } = await makeCertificate();
      await writeFile(join(dir, 'cert.pem'), cert);
      await writeFile(join(dir, 'key.pem'), key);
      const proc = npmStart({ TLS_CERT: join(dir, 'cert.pem'), TLS_KEY: join(dir, 'key.pem') });
      const port = await loggedPort(proc);
      const h1 = await openClient(`wss://127.0.0.1:${port}/echo`, clients, {
        rejectUnauthorized: false,
      });
      h1.socket.send('secure');
      expect(await h1.inbox.text()).toBe('secure');
      const session = await h2Connect(`https://127.0.0.1:${port}`);
      const { ws } = await openH2(session, '/echo');
      ws.send('over h2');
      expect(String((await message(ws)).data)).toBe('over h2');
      const goingAway = closed(h1.socket);
      const exit = once(proc, 'exit');
      proc.kill('SIGTERM');
      expect((await goingAway).code).toBe(1001);
      expect(await exit).toEqual([0, null]);
    } finally {
      await closeAll();
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('exits with status 2 and says why on a malformed variable', async () => {
    const proc = npmStart({ ECHO_MAX_FRAME_SIZE: '1MB' });
    let stderr = '';
    proc.stdout?.resume();
    proc.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    expect(await once(proc, 'close')).toEqual([2, null]);
    expect(stderr).toContain('ECHO_MAX_FRAME_SIZE must be an integer ≥ 1, got "1MB"');
  });
});
