import { describe, expect, it } from 'vitest';
import { close, LocalRegistry, reasons, request, text } from 'rodeo';
import { marbles, peerClose, terminal } from 'rodeo/testing';
import { closeRoom, groupOf, nameIn, roomHandler, type RoomEvent } from './room.js';

const lobby = { req: request({ path: '/rooms/lobby', params: { room: 'lobby' } }) };
const event = (e: RoomEvent) => text(JSON.stringify(e));
const bye = peerClose(1000);
const gone = terminal(reasons.remote(1000));

describe('room handler', () => {
  it('names a member by its first message, once per room', () => {
    const rooms = roomHandler(new LocalRegistry());
    marbles(({ cold, expectObservable, connect }) => {
      const ann = cold('-a-----p', { a: text('ann'), p: bye });
      const bob = cold('--a-b--p', { a: text('ann'), b: text('bob'), p: bye });
      expectObservable(connect(rooms, ann, lobby)).toBe('-w-----(t|)', {
        w: event({ type: 'welcome', room: 'lobby', name: 'ann' }),
        t: gone,
      });
      expectObservable(connect(rooms, bob, lobby)).toBe('--e-w--(t|)', {
        e: event({ type: 'error', code: 'name_taken' }),
        w: event({ type: 'welcome', room: 'lobby', name: 'bob' }),
        t: gone,
      });
    });
  });

  it('whispers by name: an info to the other member’s handler', () => {
    const rooms = roomHandler(new LocalRegistry());
    marbles(({ cold, expectObservable, connect }) => {
      const ann = cold('-a--w-z-p', {
        a: text('ann'),
        w: text('/to bob psst'),
        z: text('/to zed hi'),
        p: bye,
      });
      const bob = cold('--b-----p', { b: text('bob'), p: bye });
      expectObservable(connect(rooms, ann, lobby)).toBe('-w----e-(t|)', {
        w: event({ type: 'welcome', room: 'lobby', name: 'ann' }),
        e: event({ type: 'error', code: 'no_such_member' }),
        t: gone,
      });
      expectObservable(connect(rooms, bob, lobby)).toBe('--w-s---(t|)', {
        w: event({ type: 'welcome', room: 'lobby', name: 'bob' }),
        s: event({ type: 'whisper', from: 'ann', text: 'psst' }),
        t: gone,
      });
    });
  });

  it('leaves the room and frees the name when the connection ends', () => {
    const registry = new LocalRegistry();
    const seen: number[] = [];
    marbles(({ cold, expectObservable, connect }) => {
      const ann = cold('-a--p', { a: text('ann'), p: bye });
      expectObservable(connect(roomHandler(registry), ann, lobby)).toBe('-w--(t|)', {
        w: event({ type: 'welcome', room: 'lobby', name: 'ann' }),
        t: gone,
      });
      cold('--x---x').subscribe(() => seen.push(registry.members(groupOf('lobby')).length));
    });
    expect(seen).toEqual([1, 0]);
    expect(registry.whereis(nameIn('lobby', 'ann'))).toBeUndefined();
  });

  it('closes a room by info: each member’s own handler closes its connection', () => {
    const registry = new LocalRegistry();
    const rooms = roomHandler(registry);
    const told: number[] = [];
    marbles(({ cold, expectObservable, connect }) => {
      const closed = { c: close(4000, 'room closed'), t: terminal(reasons.stop) };
      const ann = connect(rooms, cold('-a', { a: text('ann') }), lobby);
      const bob = connect(rooms, cold('--b', { b: text('bob') }), lobby);
      expectObservable(ann).toBe('-w--(ct|)', {
        w: event({ type: 'welcome', room: 'lobby', name: 'ann' }),
        ...closed,
      });
      expectObservable(bob).toBe('--w-(ct|)', {
        w: event({ type: 'welcome', room: 'lobby', name: 'bob' }),
        ...closed,
      });
      cold('----x').subscribe(() => told.push(closeRoom(registry, 'lobby')));
    });
    expect(told).toEqual([2]);
  });
});
