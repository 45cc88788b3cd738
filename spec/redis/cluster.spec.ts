import { describe, expect, it } from 'vitest';
import { connectTo, eventually, startNode, useRedis, type JsonClient } from './support.js';

const redis = useRedis();

type Peer = JsonClient & { name: string; id: string; pid: number; registered: boolean };

let peers = 0;

async function peer(port: number, name = `p${++peers}`): Promise<Peer> {
  const client = await connectTo(port, `/peer?name=${name}`);
  const registered = await client.nextOf('registered');
  return Object.assign(client, {
    name,
    id: String(registered['id']),
    pid: Number(registered['pid']),
    registered: registered['registered'] === true,
  });
}

/**
 * Opens peers on the shared port until one lands on a worker other than `pid`'s (a worker the
 * primary is still starting takes no connections yet).
 */
async function onAnotherWorker(port: number, pid: number): Promise<Peer> {
  let found: Peer | undefined;
  await eventually(
    async () => {
      const next = await peer(port);
      if (next.pid !== pid) found = next;
      else next.socket.close();
      return found !== undefined;
    },
    20_000,
    'a connection on another worker',
  );
  return found as Peer;
}

async function memberCount(client: JsonClient): Promise<number> {
  client.send({ members: true });
  return ((await client.nextOf('members'))['ids'] as string[]).length;
}

describe('node:cluster workers on one port with the Redis registry', () => {
  it('deliver across workers in order, name once, refuse what cannot cross, outlive a worker and Redis', async () => {
    const primary = await startNode(redis().url, 2);
    const a = await peer(primary.port);
    const b = await onAnotherWorker(primary.port, a.pid);
    const total = await memberCount(a);
    await eventually(async () => (await memberCount(b)) === total, 5000, 'one view on both');
    await eventually(
      async () => {
        a.send({ whereis: b.name });
        return (await a.nextOf('whereis'))['id'] === b.id;
      },
      5000,
      'b named on a’s worker',
    );

    for (let n = 0; n < 1000; n++) a.send({ to: b.name, n });
    for (let n = 0; n < 1000; n++) expect((await b.nextOf('info'))['n']).toBe(n);
    b.send({ publish: 7 });
    expect(await a.nextOf('info')).toEqual({ type: 'info', from: b.name, n: 7 });

    const twins = await Promise.all([peer(primary.port, 'twin'), peer(primary.port, 'twin')]);
    expect(twins.map((t) => t.registered).sort()).toEqual([false, true]);

    a.send({ unserializable: b.name });
    expect(await a.nextOf('error')).toEqual({
      type: 'error',
      code: 'RODEO_ERR_INFO_NOT_SERIALIZABLE',
    });

    // A worker killed with SIGKILL: its connections leave the other worker's view within 5 s.
    await eventually(async () => (await memberCount(a)) === total + 2, 5000, 'twins seen');
    const onB = (await memberCount(a)) - (await localCount(a));
    process.kill(b.pid, 'SIGKILL');
    await eventually(async () => (await memberCount(a)) === total + 2 - onB, 5000, 'worker gone');

    // Redis restarted: delivery between workers resumes without restarting anything (the
    // primary has replaced the killed worker meanwhile).
    const c = await onAnotherWorker(primary.port, a.pid);
    await redis().crash();
    await redis().start();
    let n = 0;
    await eventually(
      async () => {
        a.send({ to: c.name, n: ++n });
        return (await c.nextOf('info', 200).catch(() => undefined)) !== undefined;
      },
      10_000,
      'delivery after Redis came back',
    );
  });
});

/** How many members live on `client`'s own worker: those whose id has its node prefix. */
async function localCount(client: Peer): Promise<number> {
  client.send({ members: true });
  const ids = (await client.nextOf('members'))['ids'] as string[];
  const node = client.id.slice(0, client.id.indexOf('.'));
  return ids.filter((id) => id.startsWith(`${node}.`)).length;
}
