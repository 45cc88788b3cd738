import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import type WebSocket from 'ws';
import { closed, openClient, terminateAll } from './support.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** `npm start` = `tsx examples/demo.ts`, run as a real process. */
describe('examples/demo.ts', () => {
  const clients: WebSocket[] = [];
  let child: ChildProcess | undefined;

  afterEach(() => {
    terminateAll(clients);
    if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    child = undefined;
  });

  /** Runs `examples/demo.ts` with `env` added (loopback, port 0). */
  function run(env: Record<string, string>): ChildProcess {
    child = spawn(process.execPath, ['--import', 'tsx', 'examples/demo.ts'], {
      cwd: ROOT,
      env: { ...process.env, HOST: '127.0.0.1', PORT: '0', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    return child;
  }

  /** The page URL the demo logs once it listens. */
  async function loggedUrl(proc: ChildProcess): Promise<string> {
    if (!proc.stdout) throw new Error('no stdout');
    for await (const line of createInterface({ input: proc.stdout })) {
      const url = /(http:\/\/\S+\/)/.exec(line)?.[1];
      if (url) return url;
    }
    throw new Error('demo exited before listening');
  }

  it('serves echo with ECHO_MAX_FRAME_SIZE, and SIGTERM closes with 1001 and exits 0', async () => {
    const proc = run({ ECHO_MAX_FRAME_SIZE: '64' });
    const base = (await loggedUrl(proc)).replace(/^http/, 'ws');

    const echo = await openClient(`${base}echo`, clients);
    echo.socket.send('x'.repeat(64));
    expect(await echo.inbox.text()).toBe('x'.repeat(64));
    const tooBig = closed(echo.socket);
    echo.socket.send('x'.repeat(65));
    expect((await tooBig).code).toBe(1009);

    const chat = await openClient(`${base}chat`, clients);
    const goingAway = closed(chat.socket);
    const exit = once(proc, 'exit');
    proc.kill('SIGTERM');
    expect((await goingAway).code).toBe(1001);
    expect(await exit).toEqual([0, null]);
  });

  it('refuses a malformed ECHO_MAX_FRAME_SIZE', async () => {
    const proc = run({ ECHO_MAX_FRAME_SIZE: '1MB' });
    let stderr = '';
    proc.stdout?.resume();
    proc.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    expect(await once(proc, 'close')).toEqual([2, null]);
    expect(stderr).toContain('ECHO_MAX_FRAME_SIZE must be an integer');
  });
});
