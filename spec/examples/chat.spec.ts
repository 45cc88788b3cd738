import { Subject } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { describe, expect, it } from 'vitest';
import {
  CHAT_GROUP,
  NICK_GROUP,
  chatHandler,
  type ChatEvent,
  type ChatState,
} from '../../examples/chat.js';
import {
  binary,
  connection,
  reasons,
  request,
  text,
  type ConnectionEvent,
  type ConnectionRef,
  type OutFrame,
  type Registry,
  type UpgradeResult,
} from '../../src/index.js';
import { chatRoom } from './chatRoomSupport.js';
import { end, fakeContext, frame, liveServer } from './support.js';

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

  const { startChat, join } = chatRoom(live);

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
});
