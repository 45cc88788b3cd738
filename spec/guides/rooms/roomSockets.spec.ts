/**
 * The room handler over real sockets: a server on port 0 and `ws` clients, closed after each test.
 * Broadcast frames go straight to members' sockets, so this is where they are checked.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { RodeoServer } from 'rodeo';
import { closeAll, closed, track } from '../../server/support.js';
import { member, next } from './roomClients.js';
import { closeRoom, groupOf, nameIn } from './room.js';
import { serveRooms } from './serveRooms.js';

afterEach(closeAll);

async function rooms(): Promise<{ server: RodeoServer; registry: RodeoServer['registry'] }> {
  const server = track(await serveRooms(0));
  return { server, registry: server.registry };
}

describe('rooms over real sockets', () => {
  it('broadcasts to every member of the room, and only that room', async () => {
    const { server } = await rooms();
    const ann = await member(server, 'lobby', 'ann');
    const bob = await member(server, 'lobby', 'bob');
    expect(await next(ann)).toEqual({ type: 'joined', name: 'bob' });
    const cy = await member(server, 'kitchen', 'cy');
    ann.send('hi all');
    const said = { type: 'message', from: 'ann', text: 'hi all' };
    expect(await next(ann)).toEqual(said);
    expect(await next(bob)).toEqual(said);
    cy.send('anyone?');
    // cy's next frame is its own message: nothing of the lobby reached the kitchen.
    expect(await next(cy)).toEqual({ type: 'message', from: 'cy', text: 'anyone?' });
  });

  it('tells the room when a member leaves, and frees its name and membership', async () => {
    const { server, registry } = await rooms();
    const ann = await member(server, 'lobby', 'ann');
    const bob = await member(server, 'lobby', 'bob');
    expect(await next(ann)).toEqual({ type: 'joined', name: 'bob' });
    bob.close(1000);
    expect(await next(ann)).toEqual({ type: 'left', name: 'bob' });
    expect(registry.members(groupOf('lobby'))).toHaveLength(1);
    expect(registry.whereis(nameIn('lobby', 'bob'))).toBeUndefined();
    await member(server, 'lobby', 'bob');
    expect(await next(ann)).toEqual({ type: 'joined', name: 'bob' });
  });

  it('closes every member of a closed room with 4000', async () => {
    const { server, registry } = await rooms();
    const members = [await member(server, 'lobby', 'ann'), await member(server, 'lobby', 'bob')];
    const ends = members.map(closed);
    expect(closeRoom(registry, 'lobby')).toBe(2);
    for (const end of ends) expect(await end).toEqual({ code: 4000, reason: 'room closed' });
  });
});
