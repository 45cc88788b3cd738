/**
 * `npm start` scaled out: two demos on one Redis form one chat, and so do the workers of one
 * (`WORKERS`). Each demo runs as a user runs it, in its own process group, killed after the test.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startRedis, type TestRedis } from './redisServer.js';
import { killStarted, npmStart as start } from './npmStart.js';
import { JsonClient } from './support.js';

const npmStart = (env: Record<string, string>): Promise<number> =>
  start({ REDIS_URL: redis.url, ...env });

let redis: TestRedis;
beforeAll(async () => void (redis = await startRedis()));
afterAll(async () => redis?.stop());

const sockets: WebSocket[] = [];
afterEach(() => {
  for (const socket of sockets.splice(0)) socket.terminate();
  killStarted();
});

/** A chat client, with the `X-Served-By` of its 101 (which worker took it, with `WORKERS`). */
async function chat(port: number, nick: string): Promise<JsonClient & { servedBy: string }> {
  const socket = new WebSocket(`ws://127.0.0.1:${port}/chat?nick=${nick}`);
  sockets.push(socket);
  const servedBy = new Promise<string>((resolve, reject) => {
    socket.once('upgrade', (res) => resolve(String(res.headers['x-served-by'] ?? '')));
    socket.once('error', reject);
  });
  const client = new JsonClient(socket);
  return Object.assign(client, { servedBy: await servedBy });
}

/** Joins and returns the member list it got first. */
async function joined(client: JsonClient): Promise<string[]> {
  const members = await client.next();
  expect(members['type']).toBe('members');
  expect(await client.nextOf('joined')).toMatchObject({ type: 'joined' });
  return members['nicks'] as string[];
}

describe('npm start with REDIS_URL', () => {
  it('two demos on two ports form one chat, with nicks unique across them', async () => {
    const [a, b] = await Promise.all([npmStart({}), npmStart({})]);
    const ann = await chat(a, 'ann');
    expect(await joined(ann)).toEqual(['ann']);
    let bob = await chat(b, 'bob');
    let members = await joined(bob);
    for (let tries = 0; !members.includes('ann') && tries < 50; tries++) {
      // The other demo's member list is an eventually consistent view: ask again shortly.
      bob.socket.close();
      await new Promise((resolve) => setTimeout(resolve, 100));
      bob = await chat(b, 'bob');
      members = await joined(bob);
    }
    expect(members).toEqual(['ann', 'bob']);
    bob.socket.send('hi ann');
    expect(await ann.nextOf('message')).toEqual({ type: 'message', nick: 'bob', text: 'hi ann' });
    const copy = await chat(b, 'ANN');
    expect((await copy.next())['type']).toBe('members');
    expect(await copy.next()).toMatchObject({ type: 'error', code: 'nick_taken' });
  });

  it('WORKERS=2: the workers of one demo share its port and its chat', async () => {
    const port = await npmStart({ WORKERS: '2' });
    const ann = await chat(port, 'ann');
    await joined(ann);
    let other = await chat(port, 'bob');
    for (let i = 0; other.servedBy === ann.servedBy && i < 10; i++)
      other = await chat(port, `bob${i}`);
    expect(other.servedBy).not.toBe(ann.servedBy);
    expect(other.servedBy).toMatch(/^worker \d+$/);
    const nick = (await other.nextOf('joined'))['nick'];
    other.socket.send('across workers');
    expect(await ann.nextOf('message')).toEqual({ type: 'message', nick, text: 'across workers' });
  });
});
