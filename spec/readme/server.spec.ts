/**
 * The README's server, run as the reader runs it (`node --import tsx server.ts`, here with
 * `PORT=0`): it numbers what a client sends, and Ctrl-C closes the client with 1001 and exits.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { client, closeAll, closed, message, track } from '../server/support.js';

afterEach(closeAll);

const server = fileURLToPath(new URL('./server.ts', import.meta.url));

describe("the README's server", () => {
  it('serves the counter on /count and closes with 1001 on SIGINT', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', server], {
      env: { ...process.env, PORT: '0' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const exited = once(child, 'exit');
    track({ close: () => void child.kill('SIGKILL') });
    const lines = createInterface({ input: child.stdout });
    const [first] = (await once(lines, 'line')) as [string];
    const url = /^listening on (http:\/\/\S+)$/.exec(first)?.[1];
    expect(url).toBeDefined();
    const ws = await client(`${(url ?? '').replace('http', 'ws')}/count`);
    ws.send('hi');
    expect((await message(ws)).data.toString()).toBe('1: hi');
    ws.send('yo');
    expect((await message(ws)).data.toString()).toBe('2: yo');
    const goingAway = closed(ws);
    child.kill('SIGINT');
    expect((await goingAway).code).toBe(1001);
    expect(await exited).toEqual([0, null]);
  });
});
