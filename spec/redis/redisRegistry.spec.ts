import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startRedis, type TestRedis } from './redisServer.js';
import { connectTo, eventually, startNode, stopAll, type JsonClient } from './support.js';

let redis: TestRedis;
beforeAll(async () => void (redis = await startRedis()));
afterAll(async () => redis?.stop());
afterEach(stopAll);

/** Opens `/peer?name=…` and waits until it is registered. */
async function peer(port: number, name: string): Promise<JsonClient & { id: string }> {
  const client = await connectTo(port, `/peer?name=${name}`);
  const registered = await client.nextOf('registered');
  expect(registered['registered']).toBe(true);
  return Object.assign(client, { id: String(registered['id']) });
}

/** Waits until `client` sees `count` members of `peers`. */
async function seesMembers(client: JsonClient, count: number): Promise<string[]> {
  let ids: string[] = [];
  await eventually(
    async () => {
      client.send({ members: true });
      ids = (await client.nextOf('members'))['ids'] as string[];
      return ids.length === count;
    },
    5000,
    `${count} members`,
  );
  return ids;
}

describe('RedisRegistry across node processes', () => {
  it('sends, publishes and finds names across nodes', async () => {
    const [a, b] = await Promise.all([startNode(redis.url), startNode(redis.url)]);
    const ann = await peer(a.port, 'ann');
    const bob = await peer(b.port, 'bob');
    expect(ann.id).not.toBe(bob.id);
    const ids = await seesMembers(ann, 2);
    expect(ids.sort()).toEqual([ann.id, bob.id].sort());
    ann.send({ to: 'bob', n: 1 });
    expect(await bob.nextOf('info')).toEqual({ type: 'info', from: 'ann', n: 1 });
    bob.send({ ref: ann.id, n: 2 });
    expect(await ann.nextOf('info')).toEqual({ type: 'info', from: 'bob', n: 2 });
    bob.send({ publish: 3 });
    expect(await ann.nextOf('info')).toEqual({ type: 'info', from: 'bob', n: 3 });
    expect(await bob.nextOf('info')).toEqual({ type: 'info', from: 'bob', n: 3 });
    ann.send({ unserializable: 'bob' });
    expect(await ann.nextOf('error')).toEqual({
      type: 'error',
      code: 'RODEO_ERR_INFO_NOT_SERIALIZABLE',
    });
    ann.send({ to: 'bob', n: 4 });
    expect(await bob.nextOf('info')).toEqual({ type: 'info', from: 'ann', n: 4 });
  });
});
