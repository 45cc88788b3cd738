/**
 * Two RedisRegistry nodes inside the spec's own process (each with its own Redis connections and
 * server), so that what crosses Redis can be counted exactly.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type WebSocket from 'ws';
import { chatHandler, CHAT_GROUP } from '../../examples/chat.js';
import { RedisRegistry } from '../../src/redis/index.js';
import { text, type RodeoServer } from '../../src/index.js';
import { peerHandler } from '../fixtures/peerHandler.js';
import { client, closeAll, closed, message, start, track, wsUrl } from '../server/support.js';
import { startRedis, type TestRedis } from './redisServer.js';
import { eventually } from './support.js';
import { createClient } from 'redis';
import { forEachMessage } from '../../src/redis/wire.js';

let redis: TestRedis;
beforeAll(async () => void (redis = await startRedis()));
afterAll(async () => redis?.stop());
afterEach(closeAll);

interface Node {
  readonly registry: RedisRegistry;
  readonly server: RodeoServer;
  readonly prefix: string;
}

const prefixOf = (node: Node): string => node.prefix;

/** Two nodes on their own key prefix (each spec starts from an empty cluster). */
async function pair(): Promise<[Node, Node]> {
  const prefix = `t${Date.now()}`;
  const make = async (): Promise<Node> => {
    const registry = await RedisRegistry.connect({ url: redis.url, prefix });
    track({ close: () => registry.close() });
    const server = await start(
      { '/chat': chatHandler(registry), '/peer': peerHandler(registry) },
      { registry },
    );
    return { registry, server, prefix };
  };
  return [await make(), await make()];
}

async function json(ws: WebSocket): Promise<unknown> {
  return JSON.parse((await message(ws)).data.toString()) as unknown;
}

describe('RedisRegistry in process', () => {
  it('runs the chat example unchanged across two nodes', async () => {
    const [a, b] = await pair();
    const ann = await client(wsUrl(a.server, '/chat?nick=ann'));
    expect(await json(ann)).toEqual({ type: 'members', nicks: ['ann'] });
    expect(await json(ann)).toEqual({ type: 'joined', nick: 'ann' });
    await eventually(() => b.registry.members(CHAT_GROUP).length === 1, 5000, 'ann seen on b');
    await eventually(() => b.registry.whereis('nick:ann') !== undefined, 5000, 'ann named on b');
    // The nick is unique across nodes: a second ann on b is a guest.
    const copy = await client(wsUrl(b.server, '/chat?nick=Ann'));
    expect(await json(copy)).toEqual({ type: 'members', nicks: ['ann', 'guest-1'] });
    expect(await json(copy)).toMatchObject({ type: 'error', code: 'nick_taken' });
    expect(await json(copy)).toEqual({ type: 'joined', nick: 'guest-1' });
    expect(await json(ann)).toEqual({ type: 'joined', nick: 'guest-1' });
    copy.close(1000);
    expect(await json(ann)).toEqual({ type: 'left', nick: 'guest-1' });
    const bob = await client(wsUrl(b.server, '/chat?nick=bob'));
    expect(await json(bob)).toEqual({ type: 'members', nicks: ['ann', 'bob'] });
    expect(await json(bob)).toEqual({ type: 'joined', nick: 'bob' });
    expect(await json(ann)).toEqual({ type: 'joined', nick: 'bob' });
    ann.send('hi bob');
    expect(await json(bob)).toEqual({ type: 'message', nick: 'ann', text: 'hi bob' });
    expect(await json(ann)).toEqual({ type: 'message', nick: 'ann', text: 'hi bob' });
    bob.close(1000);
    expect(await json(ann)).toEqual({ type: 'left', nick: 'bob' });
    await eventually(() => a.registry.members(CHAT_GROUP).length === 1, 5000, 'bob gone on a');
  });

  it('sends a broadcast across Redis once per node, whatever the number of members', async () => {
    const [a, b] = await pair();
    const members = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        client(wsUrl(i < 2 ? a.server : b.server, `/peer?name=m${i}`)),
      ),
    );
    for (const ws of members) await message(ws); // registered
    await eventually(() => a.registry.members('peers').length === 6, 5000, 'a sees all');
    // Count what crosses the cluster channel, as any subscriber of it sees it.
    const crossings: string[] = [];
    const spy = createClient({ url: redis.url });
    await spy.connect();
    track({ close: () => spy.close() });
    await spy.subscribe(
      `${prefixOf(a)}:all`,
      (bytes: Buffer) =>
        forEachMessage(
          bytes,
          (m) => void crossings.push(m.kind),
          () => undefined,
        ),
      true,
    );
    expect(a.registry.broadcast('peers', text('to all'))).toBe(6);
    for (const ws of members) expect((await message(ws)).data.toString()).toBe('to all');
    expect(crossings).toEqual(['broadcast']);
  });

  it('refuses to join, leave or name a connection of another node', async () => {
    const [a, b] = await pair();
    await client(wsUrl(a.server, '/peer?name=far'));
    await eventually(() => b.registry.whereis('far') !== undefined, 5000, 'far seen on b');
    const far = b.registry.whereis('far');
    if (far === undefined) throw new Error('unreachable');
    const notLocal = expect.objectContaining({ code: 'RODEO_ERR_NOT_LOCAL' });
    expect(() => b.registry.join('g', far)).toThrow(notLocal);
    expect(() => b.registry.leave('peers', far)).toThrow(notLocal);
    await expect(b.registry.register('x', far)).rejects.toThrow(notLocal);
    expect(JSON.parse(JSON.stringify(far))).toEqual({ id: far.id, closed: false });
  });

  it('refuses a connection of a server that was not given the registry (its id names no node)', async () => {
    const prefix = `t${Date.now()}`;
    const registry = await RedisRegistry.connect({ url: redis.url, prefix });
    track({ close: () => registry.close() });
    const server = await start({ '/peer': peerHandler(registry) });
    const ws = await client(wsUrl(server, '/peer?name=bare'));
    // join throws in websocketInit: a crash, before any name could be claimed in Redis.
    expect((await closed(ws)).code).toBe(1011);
    expect(registry.whereis('bare')).toBeUndefined();
    expect(registry.members('peers')).toEqual([]);
  });

  it('gives a name up on one node; the others see it free and can take it', async () => {
    const [a, b] = await pair();
    await client(wsUrl(a.server, '/peer?name=nick'));
    await eventually(() => b.registry.whereis('nick') !== undefined, 5000, 'nick seen on b');
    const holder = a.registry.whereis('nick');
    if (holder === undefined) throw new Error('unreachable');
    expect(a.registry.unregister('nick', holder)).toBe(true);
    expect(a.registry.unregister('nick', holder)).toBe(false);
    await eventually(() => b.registry.whereis('nick') === undefined, 5000, 'nick free on b');
    const taker = await client(wsUrl(b.server, '/peer?name=nick'));
    expect(JSON.parse((await message(taker)).data.toString())).toMatchObject({ registered: true });
  });

  it('fails to connect with a typed error when Redis is not there', async () => {
    const free = await startRedis();
    const url = free.url;
    await free.stop();
    await expect(RedisRegistry.connect({ url, connectTimeout: 300 })).rejects.toThrow(
      expect.objectContaining({ code: 'RODEO_ERR_REDIS_UNAVAILABLE' }),
    );
  });
});
