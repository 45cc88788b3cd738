import { describe, expect, it } from 'vitest';
import {
  clusterPrefix,
  connectTo,
  eventually,
  startNode,
  useRedis,
  type JsonClient,
} from './support.js';

const redis = useRedis();

/** Opens `/peer?name=…` and waits until it is registered. */
async function peer(port: number, name: string): Promise<JsonClient & { id: string }> {
  const client = await connectTo(port, `/peer?name=${name}`);
  const registered = await client.nextOf('registered');
  expect(registered['registered']).toBe(true);
  return Object.assign(client, { id: String(registered['id']) });
}

/** Waits until `client`'s node knows `name` (names travel apart from memberships). */
async function knows(client: JsonClient, name: string): Promise<void> {
  await eventually(
    async () => {
      client.send({ whereis: name });
      return (await client.nextOf('whereis'))['id'] !== null;
    },
    5000,
    `${name} known`,
  );
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
    const [a, b] = await Promise.all([startNode(redis().url), startNode(redis().url)]);
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

describe('RedisRegistry guarantees', () => {
  it('keeps the order of every sender→receiver pair under load', async () => {
    const [a, b] = await Promise.all([startNode(redis().url), startNode(redis().url)]);
    const senders = await Promise.all([peer(a.port, 's1'), peer(a.port, 's2'), peer(b.port, 's3')]);
    const receiver = await peer(b.port, 'r');
    await seesMembers(senders[0], 4);
    await knows(senders[0], 'r');
    await knows(senders[2], 'r');
    const perSender = 2000;
    for (let n = 0; n < perSender; n++) for (const s of senders) s.send({ to: 'r', n });
    const last = new Map<string, number>();
    for (let i = 0; i < perSender * senders.length; i++) {
      const info = await receiver.nextOf('info');
      const from = String(info['from']);
      expect(info['n']).toBe((last.get(from) ?? -1) + 1);
      last.set(from, info['n'] as number);
    }
    expect([...last.values()]).toEqual([perSender - 1, perSender - 1, perSender - 1]);
  });

  it('gives a name to exactly one of two nodes claiming it at once', async () => {
    const [a, b] = await Promise.all([startNode(redis().url), startNode(redis().url)]);
    for (let round = 0; round < 5; round++) {
      const name = `solo-${round}`;
      const clients = await Promise.all(
        [a, b].map((node) => connectTo(node.port, `/peer?name=${name}`)),
      );
      const results = await Promise.all(clients.map((c) => c.nextOf('registered')));
      expect(results.map((r) => r['registered']).sort()).toEqual([false, true]);
      const winner = results.find((r) => r['registered'] === true);
      await eventually(
        async () => {
          clients[0]?.send({ whereis: name });
          return (await clients[0]?.nextOf('whereis'))?.['id'] === winner?.['id'];
        },
        5000,
        'both nodes agree on the owner',
      );
    }
  });

  it('drops a SIGKILLed node’s members and names from the others within 5 s', async () => {
    const [a, b, c] = await Promise.all([
      startNode(redis().url),
      startNode(redis().url),
      startNode(redis().url),
    ]);
    const watcher = await peer(a.port, 'watcher');
    await peer(b.port, 'doomed');
    await peer(c.port, 'other');
    await seesMembers(watcher, 3);
    await b.kill();
    const killedAt = Date.now();
    await seesMembers(watcher, 2);
    await eventually(
      async () => {
        watcher.send({ whereis: 'doomed' });
        return (await watcher.nextOf('whereis'))['id'] === null;
      },
      5000,
      'name freed',
    );
    expect(Date.now() - killedAt).toBeLessThan(5000);
    // The name is free for a new connection.
    await peer(c.port, 'doomed');
  });

  it('delivers locally while Redis is down, counts the cross-node drops, resumes when it is back', async () => {
    const [a, b] = await Promise.all([startNode(redis().url), startNode(redis().url)]);
    const ann = await peer(a.port, 'ann');
    const carl = await peer(a.port, 'carl');
    const bob = await peer(b.port, 'bob');
    await seesMembers(ann, 3);
    await knows(ann, 'bob');
    await redis().crash();
    try {
      await eventually(
        async () => {
          ann.send({ to: 'bob', n: -1 });
          ann.send({ to: 'carl', n: 0 });
          await carl.nextOf('info');
          return ((await a.metrics())['dropped'] ?? 0) > 0;
        },
        5000,
        'a cross-node send dropped while local ones arrive',
      );
    } finally {
      await redis().start();
    }
    let n = 0;
    await eventually(
      async () => {
        ann.send({ to: 'bob', n: ++n });
        const info = await bob.nextOf('info', 200).catch(() => undefined);
        return info?.['from'] === 'ann';
      },
      10_000,
      'delivery after the restart',
    );
    await seesMembers(bob, 3);
    bob.send({ to: 'ann', n: 0 });
    expect(await ann.nextOf('info')).toEqual({ type: 'info', from: 'bob', n: 0 });
    expect((await a.metrics())['outages']).toBe(1);
  });

  it('drops and counts malformed bytes on its channels', async () => {
    const a = await startNode(redis().url);
    const ann = await peer(a.port, 'ann');
    const { createClient } = await import('redis');
    const client = createClient({ url: redis().url });
    await client.connect();
    try {
      for (const junk of [
        '',
        'Z',
        'J9999:x',
        'P3:abc5:peers{not json',
        'B3:abc5:peers19:x',
        'S3:abc2:r15:x',
      ]) {
        await client.publish(`${clusterPrefix()}:all`, junk);
      }
    } finally {
      await client.close();
    }
    await eventually(async () => (await a.metrics())['malformed'] === 6, 5000, 'malformed counted');
    ann.send({ members: true });
    expect((await ann.nextOf('members'))['ids']).toEqual([ann.id]);
  });
});
