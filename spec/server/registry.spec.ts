import type { Duplex } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import {
  binary,
  close,
  LocalRegistry,
  ok,
  reasons,
  reply,
  text,
  upgrade,
  type ConnectionRef,
  type RefEndListener,
  type Registry,
} from '../../src/index.js';
import { fakeServerRef } from '../fixtures/fakeServerRef.js';
import { probe } from '../fixtures/serverHandlers.js';
import { client, closeAll, closed, message, rawPeer, start, wsUrl } from './support.js';

afterEach(closeAll);

function fakeRef(id: string): ConnectionRef<string> & { received: string[]; closed: boolean } {
  const received: string[] = [];
  const ref = {
    id,
    closed: false,
    received,
    send(info: string) {
      if (ref.closed) return false;
      received.push(info);
      return true;
    },
  };
  return ref;
}

describe('LocalRegistry (in process)', () => {
  it('names a ref once; whereis and send find it; a closed ref frees its name', async () => {
    const registry = new LocalRegistry();
    const a = fakeRef('a');
    const b = fakeRef('b');
    expect(await registry.register('ann', a)).toBe(true);
    expect(await registry.register('ann', b)).toBe(false);
    expect(await registry.register('ann', a)).toBe(true);
    expect(registry.whereis('ann')).toBe(a);
    expect(registry.send('ann', 'hi')).toBe(true);
    expect(a.received).toEqual(['hi']);
    expect(registry.send('bob', 'hi')).toBe(false);
    a.closed = true;
    expect(registry.whereis('ann')).toBeUndefined();
    expect(await registry.register('ann', b)).toBe(true);
    expect(registry.unregister('ann', a)).toBe(false);
    expect(registry.whereis('ann')).toBe(b);
    expect(registry.unregister('ann', b)).toBe(true);
    expect(registry.whereis('ann')).toBeUndefined();
    expect(a.closed && (await registry.register('x', a))).toBe(false);
  });

  it('unregisters a name only for the ref that holds it', () => {
    const registry = new LocalRegistry();
    const a = fakeRef('a');
    const b = fakeRef('b');
    registry.register('ann', a);
    expect(registry.unregister('ann', b)).toBe(false);
    expect(registry.whereis('ann')).toBe(a);
    expect(registry.unregister('ann', a)).toBe(true);
    expect(registry.whereis('ann')).toBeUndefined();
    expect(registry.unregister('ann', a)).toBe(false);
    expect(registry.register('ann', b)).toBe(true);
    expect(registry.send('ann', 'hi')).toBe(true);
    expect(b.received).toEqual(['hi']);
  });

  it('joins, leaves and publishes to groups in join order', () => {
    const registry = new LocalRegistry();
    const [a, b, c] = [fakeRef('a'), fakeRef('b'), fakeRef('c')];
    registry.join('room', a);
    registry.join('room', b);
    registry.join('room', c);
    registry.join('room', a);
    registry.leave('room', b);
    expect(registry.members('room')).toEqual([a, c]);
    c.closed = true;
    expect(registry.publish('room', 'news')).toBe(1);
    expect(a.received).toEqual(['news']);
    expect(registry.members('room')).toEqual([a]);
    expect(registry.members('nobody')).toEqual([]);
  });

  it('refuses to broadcast a close frame', () => {
    expect(() => new LocalRegistry().broadcast('room', close(1000))).toThrow(
      expect.objectContaining({ code: 'RODEO_ERR_INVALID_BROADCAST' }),
    );
  });
});

/** Steps taken by every Map and Set iterator (for…of, entries, keys, values) while `run` runs. */
function iterationSteps(run: () => void): number {
  let steps = 0;
  const restore: (() => void)[] = [];
  for (const proto of [Map.prototype, Set.prototype] as unknown as Record<PropertyKey, unknown>[]) {
    for (const key of [Symbol.iterator, 'entries', 'keys', 'values']) {
      const original = proto[key] as (this: unknown) => Iterator<unknown>;
      proto[key] = function (this: unknown): IterableIterator<unknown> {
        const inner = original.call(this);
        return {
          next: () => (steps++, inner.next()),
          [Symbol.iterator]() {
            return this;
          },
        };
      };
      restore.push(() => (proto[key] = original));
    }
  }
  try {
    run();
  } finally {
    for (const undo of restore) undo();
  }
  return steps;
}

describe('LocalRegistry cleanup when a connection ends', () => {
  /** Steps of ending one ref with 2 names and 2 groups among `others` named members. */
  async function endOneAmong(others: number): Promise<number> {
    const ends: RefEndArgs[] = [];
    const registry = new LocalRegistry({ onEnd: (...args) => void ends.push(args) });
    for (let i = 0; i < others; i++) {
      const { ref } = fakeServerRef(`o${i}`);
      await registry.register(`other-${i}`, ref);
      registry.join('room', ref);
      registry.join(`own-${i}`, ref);
    }
    const mine = fakeServerRef('me');
    await registry.register('me', mine.ref);
    await registry.register('also-me', mine.ref);
    registry.join('room', mine.ref);
    registry.join('mine', mine.ref);
    const steps = iterationSteps(() => mine.end());
    expect(registry.whereis('me')).toBeUndefined();
    expect(registry.whereis('also-me')).toBeUndefined();
    expect(registry.members('mine')).toEqual([]);
    expect(registry.members('room')).toHaveLength(others);
    expect(registry.whereis(`other-${others - 1}`)?.id).toBe(`o${others - 1}`);
    expect(ends).toHaveLength(1);
    expect([...(ends[0]?.[1] ?? [])]).toEqual(['me', 'also-me']);
    expect([...(ends[0]?.[2] ?? [])]).toEqual(['room', 'mine']);
    return steps;
  }

  it('touches only what the ended ref held, however many other names and groups there are', async () => {
    const few = await endOneAmong(10);
    const many = await endOneAmong(10_000);
    expect(many).toBe(few);
    // Its 2 names and 2 groups, plus the end step of each loop.
    expect(many).toBeLessThanOrEqual(6);
  });
});

type RefEndArgs = Parameters<RefEndListener>;

type ChatInfo = { readonly say: string };

/** Joins "room" as the query's nick; text frames are published to the room as info. */
function chat(registry: () => Registry) {
  return probe<string, ChatInfo>({
    init: (req) => upgrade(req.query.nick ?? 'anon', { compress: req.query.deflate === '1' }),
    websocketInit: async (nick, ctx) => {
      registry().join('room', ctx.ref);
      const named = await registry().register(nick, ctx.ref);
      return named ? ok(nick) : reply(close(4009, 'nick taken'), nick);
    },
    websocketHandle: (frame, nick) => {
      if (frame.type === 'text')
        registry().publish<ChatInfo>('room', { say: `${nick}: ${frame.data}` });
      return ok(nick);
    },
    websocketInfo: (info, nick) => reply(text(info.say), nick),
  });
}

describe('registry on a server', () => {
  it('keeps a broadcast behind a message ws is still compressing', async () => {
    const registry = new LocalRegistry();
    const server = await start({ '/chat': chat(() => registry) }, { registry });
    const ws = await client(wsUrl(server, '/chat?nick=zed&deflate=1'), { perMessageDeflate: true });
    const ref = registry.whereis<ChatInfo>('zed');
    const big = 'compress me '.repeat(2000);
    // The info's reply is being deflated (asynchronously) when the broadcast is written.
    ref?.send({ say: big });
    expect(registry.broadcast('room', text('after'))).toBe(1);
    expect((await message(ws)).data.toString()).toBe(big);
    expect((await message(ws)).data.toString()).toBe('after');
  });

  it('publishes info to every member; names are freed and members leave when connections end', async () => {
    const registry = new LocalRegistry();
    const server = await start({ '/chat': chat(() => registry) }, { registry });
    const ann = await client(wsUrl(server, '/chat?nick=ann'));
    const bob = await client(wsUrl(server, '/chat?nick=bob'));
    const taken = await client(wsUrl(server, '/chat?nick=ann'));
    expect(await closed(taken)).toEqual({ code: 4009, reason: 'nick taken' });
    ann.send('hello');
    expect((await message(ann)).data.toString()).toBe('ann: hello');
    expect((await message(bob)).data.toString()).toBe('ann: hello');
    const gone = closed(ann);
    ann.close(1000);
    await gone;
    expect(server.registry).toBe(registry);
    expect(registry.whereis('ann')).toBeUndefined();
    expect(registry.members('room').map((ref) => ref.closed)).toEqual([false]);
    const again = await client(wsUrl(server, '/chat?nick=ann'));
    again.send('back');
    expect((await message(bob)).data.toString()).toBe('ann: back');
  });

  it('ends a member too slow for broadcasts with backpressure (1008); the others get every frame', async () => {
    const registry = new LocalRegistry();
    const handler = probe({
      websocketInit: (state, ctx) => {
        registry.join('room', ctx.ref);
        return ok(state);
      },
    });
    const server = await start({ '/room': handler }, { registry, maxQueueBytes: 256 * 1024 });
    const slow = await rawPeer(server, '/room');
    slow.socket.pause();
    const fast = await client(wsUrl(server, '/room'));
    const frame = binary(new Uint8Array(64 * 1024));
    const counts: number[] = [];
    // One broadcast per turn of the event loop, until the slow member has left the room.
    while (registry.members('room').length === 2 && counts.length < 5000) {
      counts.push(registry.broadcast('room', frame));
      await new Promise(setImmediate);
    }
    expect(registry.members('room')).toHaveLength(1);
    expect((await handler.terminated()).reason).toEqual(reasons.backpressure);
    // Skipped once (the frame did not fit), then ended after that broadcast.
    expect(counts.slice(0, -1).every((count) => count === 2)).toBe(true);
    expect(counts.at(-1)).toBe(1);
    for (const _ of counts) expect((await message(fast)).data.length).toBe(64 * 1024);
    slow.socket.resume();
    expect(await slow.closeCode()).toBe(1008);
  });

  it('broadcasts a frame to members serialized once, with or without compression', async () => {
    const registry = new LocalRegistry();
    const server = await start({ '/chat': chat(() => registry) }, { registry });
    const writes = new Map<Duplex, unknown[]>();
    server.httpServer.prependListener('upgrade', (_req, socket: Duplex) => {
      const chunks: unknown[] = [];
      writes.set(socket, chunks);
      const write = socket.write.bind(socket) as (...args: unknown[]) => boolean;
      socket.write = ((...args: unknown[]) => {
        chunks.push(args[0]);
        return write(...args);
      }) as typeof socket.write;
    });
    const peers = await Promise.all(
      ['a', 'b', 'c'].map((nick, i) =>
        client(wsUrl(server, `/chat?nick=${nick}&deflate=${i % 2}`), { perMessageDeflate: true }),
      ),
    );
    const payload = 'y'.repeat(5000);
    expect(registry.broadcast('room', text(payload))).toBe(3);
    for (const ws of peers) expect((await message(ws)).data.toString()).toBe(payload);
    const written = [...writes.values()].map((chunks) =>
      chunks.find((chunk) => Buffer.isBuffer(chunk) && chunk.length === payload.length),
    );
    expect(written[0]).toBeDefined();
    expect(written.every((chunk) => chunk === written[0])).toBe(true);
  });
});
