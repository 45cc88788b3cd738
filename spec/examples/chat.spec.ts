import { Subject } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { describe, expect, it } from 'vitest';
import type WebSocket from 'ws';
import {
  CHAT_GROUP,
  CHAT_LIMITS,
  NICK_GROUP,
  chatHandler,
  type ChatEvent,
  type ChatLimits,
  type ChatOptions,
  type ChatState,
} from '../../examples/chat.js';
import {
  binary,
  connection,
  LocalRegistry,
  reasons,
  request,
  text,
  type ConnectionEvent,
  type ConnectionRef,
  type OutFrame,
  type Registry,
  type UpgradeResult,
} from '../../src/index.js';
import { closed, end, fakeContext, frame, type Inbox, liveServer } from './support.js';

/** A registry that keeps names, records joins and turns broadcasts into an observable. */
class RecordingRegistry implements Registry {
  readonly joined: string[] = [];
  readonly names = new Map<string, string>();
  readonly broadcasts = new Subject<ChatEvent>();
  register(name: string, ref: ConnectionRef<unknown>): boolean {
    const holder = this.names.get(name);
    if (holder !== undefined && holder !== ref.id) return false;
    this.names.set(name, ref.id);
    return true;
  }
  unregister(name: string, ref: ConnectionRef<unknown>): boolean {
    return this.names.get(name) === ref.id && this.names.delete(name);
  }
  whereis(): undefined {
    return undefined;
  }
  join(group: string, ref: ConnectionRef<unknown>): void {
    this.joined.push(`${group}:${ref.id}`);
  }
  leave(): void {}
  members(): ConnectionRef<unknown>[] {
    return [];
  }
  groupsOf(): string[] {
    return [];
  }
  send(): boolean {
    return false;
  }
  publish(): number {
    return 0;
  }
  broadcast(group: string, out: OutFrame): number {
    expect(group).toBe(CHAT_GROUP);
    if (out.type === 'text') this.broadcasts.next(JSON.parse(out.data) as ChatEvent);
    return 1;
  }
}

const event = (e: ChatEvent): OutFrame => text(JSON.stringify(e));

describe('chatHandler (marbles)', () => {
  it('joins under the asked nick, broadcasts messages and renames, and says goodbye', () => {
    const registry = new RecordingRegistry();
    const fake = fakeContext<never>();
    const handler = chatHandler(registry);
    const init = handler.init(request({ query: { nick: ' ann ' } })) as UpgradeResult<ChatState>;
    expect(init.options).toEqual({ maxFrameSize: 4096 });
    new TestScheduler((a, e) => expect(a).toEqual(e)).run(({ hot, expectObservable }) => {
      const events = hot<ConnectionEvent<never>>('-a-b-n-x-m-e', {
        a: frame(text('hi\tall\u200b')),
        b: frame(binary(Uint8Array.of(1))),
        n: frame(text('/nick bob')),
        x: frame(text('/nick   ')),
        m: frame(text('hi again')),
        e: end(reasons.remote(1001)),
      });
      expectObservable(registry.broadcasts, '^-----------!').toBe('ja---n---m-l', {
        j: { type: 'joined', nick: 'ann' },
        a: { type: 'message', nick: 'ann', text: 'hi all' },
        n: { type: 'renamed', from: 'ann', nick: 'bob' },
        m: { type: 'message', nick: 'bob', text: 'hi again' },
        l: { type: 'left', nick: 'bob' },
      });
      const output = events.pipe(connection(handler, { state: init.state, ctx: fake.ctx }));
      expectObservable(output).toBe('(wj)---x---(t|)', {
        w: event({ type: 'members', nicks: ['ann'] }),
        j: event({ type: 'joined', nick: 'ann' }),
        x: event({
          type: 'error',
          code: 'nick_invalid',
          message: 'a nick needs a visible character',
          nick: 'bob',
        }),
        t: { type: 'terminal', reason: reasons.remote(1001) },
      });
    });
    expect(registry.joined).toEqual([
      `${CHAT_GROUP}:fake-1`,
      `${NICK_GROUP}ann:fake-1`,
      `${NICK_GROUP}bob:fake-1`,
    ]);
    expect([...registry.names]).toEqual([['nick:bob', 'fake-1']]);
  });
});

describe('chatHandler (real sockets)', () => {
  const live = liveServer();
  type Client = { socket: WebSocket; inbox: Inbox };

  /** A server with one chat room; the clock stands still unless a spec moves it. */
  async function startChat(options: ChatOptions = { now: () => 0 }): Promise<LocalRegistry> {
    const registry = new LocalRegistry();
    await live.start({ routes: { '/chat': chatHandler(registry, options) }, registry });
    return registry;
  }

  /**
   * Opens a chat connection (with `?nick=` if given) and reads its first event, the member list,
   * then the events up to its `joined`.
   */
  async function join(
    nick?: string,
  ): Promise<Client & { events: unknown[]; members: readonly string[] }> {
    const client = await live.open(`/chat${nick === undefined ? '' : `?nick=${nick}`}`);
    const first = (await client.inbox.json()) as ChatEvent;
    if (first.type !== 'members') throw new Error(`first event: ${JSON.stringify(first)}`);
    const events: unknown[] = [];
    for (;;) {
      const next = (await client.inbox.json()) as ChatEvent;
      events.push(next);
      if (next.type === 'joined') return { ...client, events, members: first.nicks };
    }
  }

  it('lets two clients talk, with join, rename and leave notices', async () => {
    const registry = await startChat();
    const ann = await join('ann');
    expect(ann.events).toEqual([{ type: 'joined', nick: 'ann' }]);
    expect(ann.members).toEqual(['ann']);
    const bob = await join('bob');
    expect(bob.members).toEqual(['ann', 'bob']);
    expect(await ann.inbox.json()).toEqual({ type: 'joined', nick: 'bob' });

    ann.socket.send('hi bob');
    const hi = { type: 'message', nick: 'ann', text: 'hi bob' };
    expect(await bob.inbox.json()).toEqual(hi);
    expect(await ann.inbox.json()).toEqual(hi);

    bob.socket.send('/nick robert');
    expect(await ann.inbox.json()).toEqual({ type: 'renamed', from: 'bob', nick: 'robert' });
    expect((await join('carl')).members).toEqual(['ann', 'robert', 'carl']);
    await ann.inbox.json(); // carl joined

    bob.socket.close(1000);
    expect(await ann.inbox.json()).toEqual({ type: 'left', nick: 'robert' });
    expect(registry.members(CHAT_GROUP)).toHaveLength(2);
  });

  it('gives a taken nick (any case, invisible characters aside) a guest nick and says why', async () => {
    await startChat();
    await join('ann');
    for (const [asked, guest] of [
      ['ann', 'guest-1'],
      ['ANN', 'guest-2'],
      ['ann%E2%80%8B', 'guest-3'],
    ] as const) {
      const copy = await join(asked);
      expect(copy.events).toEqual([
        {
          type: 'error',
          code: 'nick_taken',
          message: `"${decodeURIComponent(asked).replace('\u200b', '')}" is taken; you are ${guest}`,
          nick: guest,
        },
        { type: 'joined', nick: guest },
      ]);
    }
    expect((await join()).events).toEqual([{ type: 'joined', nick: 'guest-4' }]);
    const pretender = await join('Guest-5');
    expect(pretender.events[0]).toEqual({
      type: 'error',
      code: 'nick_invalid',
      message: 'guest-N nicks are given out; you are guest-5',
      nick: 'guest-5',
    });
  });

  it('refuses a rename to a taken nick, and frees the old nick on a rename', async () => {
    await startChat();
    const ann = await join('ann');
    const bob = await join('bob');
    await ann.inbox.json(); // bob joined

    bob.socket.send('/nick Ann');
    expect(await bob.inbox.json()).toEqual({
      type: 'error',
      code: 'nick_taken',
      message: '"Ann" is taken',
      nick: 'bob',
    });
    ann.socket.send('/nick ANN');
    const caseChange = { type: 'renamed', from: 'ann', nick: 'ANN' };
    expect(await ann.inbox.json()).toEqual(caseChange);
    expect(await bob.inbox.json()).toEqual(caseChange);
    ann.socket.send('/nick annie');
    expect(await bob.inbox.json()).toEqual({ type: 'renamed', from: 'ANN', nick: 'annie' });

    bob.socket.send('/nick ann');
    expect(await bob.inbox.json()).toEqual({ type: 'renamed', from: 'bob', nick: 'ann' });
    // bob's old nick is free again.
    expect((await join('bob')).events).toEqual([{ type: 'joined', nick: 'bob' }]);
  });

  it('answers a burst over the rate with errors, then closes a flooder with 1008', async () => {
    await startChat();
    const reader = await join('reader');
    const flooder = await join('flooder');
    await reader.inbox.json(); // flooder joined
    const { burst } = CHAT_LIMITS.messages;
    const refusals = CHAT_LIMITS.floodLimit;
    const done = closed(flooder.socket);
    for (let i = 0; i < burst + refusals; i++) flooder.socket.send(`m${i}`);

    for (let i = 0; i < burst; i++) {
      expect(await reader.inbox.json()).toEqual({
        type: 'message',
        nick: 'flooder',
        text: `m${i}`,
      });
    }
    const own: unknown[] = [];
    for (let i = 0; i < burst + refusals; i++) own.push(await flooder.inbox.json());
    const limited = {
      type: 'error',
      code: 'rate_limited',
      message: 'over 5 messages a second (bursts of 10); slow down',
    };
    expect(own.slice(burst)).toEqual(Array.from({ length: refusals }, () => limited));
    expect(await done).toEqual({ code: 1008, reason: 'message rate limit exceeded' });
    expect(await reader.inbox.json()).toEqual({ type: 'left', nick: 'flooder' });
  });

  it('lets a sender that keeps to the rate go on, whatever the burst before', async () => {
    let now = 0;
    await startChat({ now: () => now });
    const ann = await join('ann');
    for (let i = 0; i < 11; i++) ann.socket.send(`m${i}`);
    for (let i = 0; i < 10; i++) expect(await ann.inbox.json()).toMatchObject({ text: `m${i}` });
    expect(await ann.inbox.json()).toMatchObject({ code: 'rate_limited' });
    now += 200; // one message's worth at 5 a second
    ann.socket.send('again');
    expect(await ann.inbox.json()).toMatchObject({ type: 'message', text: 'again' });
  });

  it('refuses a message over 1000 characters with an error, and closes 1009 past 4 KiB', async () => {
    await startChat();
    const ann = await join('ann');
    ann.socket.send('é'.repeat(1000));
    expect(await ann.inbox.json()).toMatchObject({ type: 'message', text: 'é'.repeat(1000) });
    ann.socket.send('x'.repeat(1001));
    expect(await ann.inbox.json()).toEqual({
      type: 'error',
      code: 'too_long',
      message: 'messages are at most 1000 characters',
    });
    const done = closed(ann.socket);
    ann.socket.send('x'.repeat(4097));
    expect((await done).code).toBe(1009);
  });

  it('holds the whole room to its rate: room_busy for a message, join notices skipped', async () => {
    const limits: ChatLimits = { ...CHAT_LIMITS, room: { rate: 1, burst: 3 } };
    await startChat({ limits, now: () => 0 });
    const ann = await join('ann'); // token 1
    ann.socket.send('one'); // token 2
    expect(await ann.inbox.json()).toMatchObject({ text: 'one' });
    ann.socket.send('two'); // token 3
    expect(await ann.inbox.json()).toMatchObject({ text: 'two' });
    ann.socket.send('three');
    expect(await ann.inbox.json()).toEqual({
      type: 'error',
      code: 'room_busy',
      message: 'the room is too busy; try again in a moment',
    });
    // bob still joins (and hears of it himself); ann is not told.
    expect((await join('bob')).events).toEqual([{ type: 'joined', nick: 'bob' }]);
    ann.socket.send('/nick annie');
    expect(await ann.inbox.json()).toMatchObject({ code: 'room_busy' });
  });

  it('closes with 1013 when the registry refuses even a guest nick', async () => {
    /** A registry shared with another process that already gave out every guest nick. */
    class CrowdedRegistry extends LocalRegistry {
      override register(name: string, ref: ConnectionRef<unknown>): boolean {
        return !name.startsWith('nick:guest-') && super.register(name, ref);
      }
    }
    const registry = new CrowdedRegistry();
    await live.start({ routes: { '/chat': chatHandler(registry) }, registry });
    const { socket } = await live.open('/chat');
    expect(await closed(socket)).toEqual({ code: 1013, reason: 'no free guest nick' });
  });
});
