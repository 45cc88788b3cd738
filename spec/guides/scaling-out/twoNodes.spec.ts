/**
 * The room handler on two nodes sharing a RedisRegistry, in this process: a real redis-server on a
 * free port (started for this file, stopped after it), two servers on port 0, `ws` clients.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startRedis, type TestRedis } from '../../redis/redisServer.js';
import { eventually } from '../../redis/support.js';
import { client, closeAll, closed, track, wsUrl } from '../../server/support.js';
import { member, next } from '../rooms/roomClients.js';
import { closeRoom, groupOf, nameIn } from '../rooms/room.js';
import { startRoomNode, type RoomNode } from './roomNode.js';

let redis: TestRedis;
beforeAll(async () => void (redis = await startRedis()));
afterAll(async () => redis?.stop());
afterEach(closeAll);

async function node(): Promise<RoomNode> {
  return track(await startRoomNode(0, redis.url));
}

/** Waits until `on` knows `count` members of `room` (a join reaches other nodes a moment later). */
async function seen(on: RoomNode, room: string, count: number): Promise<void> {
  const members = () => on.registry.members(groupOf(room)).length;
  await eventually(() => members() === count, 5000, `${count} members of ${room} seen`);
}

describe('rooms on two nodes sharing Redis', () => {
  it('carries a broadcast from a client on node A to a client on node B, and back', async () => {
    const [a, b] = [await node(), await node()];
    const ann = await member(a.server, 'lobby', 'ann');
    await seen(b, 'lobby', 1);
    const bob = await member(b.server, 'lobby', 'bob');
    expect(await next(ann)).toEqual({ type: 'joined', name: 'bob' });
    await seen(a, 'lobby', 2);
    ann.send('hi from A');
    expect(await next(bob)).toEqual({ type: 'message', from: 'ann', text: 'hi from A' });
    expect(await next(ann)).toEqual({ type: 'message', from: 'ann', text: 'hi from A' });
    bob.send('/to ann hi from B');
    expect(await next(ann)).toEqual({ type: 'whisper', from: 'bob', text: 'hi from B' });
    bob.close(1000);
    expect(await next(ann)).toEqual({ type: 'left', name: 'bob' });
    await seen(a, 'lobby', 1);
  });

  it('keeps names unique across nodes, and frees them when their node leaves', async () => {
    const [a, b] = [await node(), await node()];
    await member(a.server, 'hall', 'ann');
    const copy = await client(wsUrl(b.server, '/rooms/hall'));
    copy.send('ann');
    expect(await next(copy)).toEqual({ type: 'error', code: 'name_taken' });
    await a.close();
    await eventually(() => b.registry.whereis(nameIn('hall', 'ann')) === undefined, 5000, 'freed');
    copy.send('ann');
    expect(await next(copy)).toEqual({ type: 'welcome', room: 'hall', name: 'ann' });
  });

  it('closes a room on every node: the info crosses to the other node', async () => {
    const [a, b] = [await node(), await node()];
    const ann = await member(a.server, 'attic', 'ann');
    const bob = await member(b.server, 'attic', 'bob');
    await seen(a, 'attic', 2);
    const ends = [closed(ann), closed(bob)];
    expect(closeRoom(a.registry, 'attic')).toBe(2);
    for (const end of ends) expect(await end).toEqual({ code: 4000, reason: 'room closed' });
  });
});
