import { Subject } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { describe, expect, it } from 'vitest';
import type WebSocket from 'ws';
import { CHAT_GROUP, chatHandler, type ChatEvent } from '../../examples/chat.js';
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
} from '../../src/index.js';
import { end, fakeContext, frame, type Inbox, liveServer } from './support.js';

/** A registry that records joins and turns broadcasts into an observable. */
class RecordingRegistry implements Registry {
  readonly joined: string[] = [];
  readonly broadcasts = new Subject<ChatEvent>();
  register(): Promise<boolean> {
    return Promise.resolve(true);
  }
  unregister(): boolean {
    return true;
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

describe('chatHandler (marbles)', () => {
  it('takes the nick from the query, or makes up a guest nick', () => {
    const handler = chatHandler(new RecordingRegistry());
    const nick = (url: string): unknown => handler.init(request({ url, query: query(url) }));
    expect(nick('/chat?nick=%20ann%20')).toMatchObject({ state: { nick: 'ann' } });
    expect(nick('/chat')).toMatchObject({ state: { nick: 'guest-1' } });
    expect(nick('/chat?nick=')).toMatchObject({ state: { nick: 'guest-2' } });
    expect(nick(`/chat?nick=${'n'.repeat(40)}`)).toMatchObject({ state: { nick: 'n'.repeat(24) } });
  });

  it('joins, broadcasts messages and renames, and says goodbye in terminate', () => {
    const registry = new RecordingRegistry();
    const fake = fakeContext<never>();
    new TestScheduler((a, e) => expect(a).toEqual(e)).run(({ hot, expectObservable }) => {
      const events = hot<ConnectionEvent<never>>('-a-b-n-x-m-e', {
        a: frame(text('hi all')),
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
      const output = events.pipe(
        connection(chatHandler(registry), { state: { nick: 'ann' }, ctx: fake.ctx }),
      );
      expectObservable(output).toBe('-----------(t|)', {
        t: { type: 'terminal', reason: reasons.remote(1001) },
      });
    });
    expect(registry.joined).toEqual([`${CHAT_GROUP}:fake-1`]);
  });
});

describe('chatHandler (real sockets)', () => {
  const live = liveServer();

  const join = (nick: string): Promise<{ socket: WebSocket; inbox: Inbox }> =>
    live.open(`/chat?nick=${nick}`);

  it('lets two clients talk, with join, rename and leave notices', async () => {
    const registry = new LocalRegistry();
    const routes = { '/chat': chatHandler(registry) };
    await live.start({ routes, registry });

    const ann = await join('ann');
    expect(await ann.inbox.json()).toEqual({ type: 'joined', nick: 'ann' });
    const bob = await join('bob');
    expect(await ann.inbox.json()).toEqual({ type: 'joined', nick: 'bob' });
    expect(await bob.inbox.json()).toEqual({ type: 'joined', nick: 'bob' });

    ann.socket.send('hi bob');
    const hi = { type: 'message', nick: 'ann', text: 'hi bob' };
    expect(await bob.inbox.json()).toEqual(hi);
    expect(await ann.inbox.json()).toEqual(hi);

    bob.socket.send('/nick robert');
    expect(await ann.inbox.json()).toEqual({ type: 'renamed', from: 'bob', nick: 'robert' });

    bob.socket.close(1000);
    expect(await ann.inbox.json()).toEqual({ type: 'left', nick: 'robert' });
    expect(registry.members(CHAT_GROUP)).toHaveLength(1);
  });
});

function query(url: string): Record<string, string> {
  return Object.fromEntries(new URL(url, 'http://x').searchParams);
}
