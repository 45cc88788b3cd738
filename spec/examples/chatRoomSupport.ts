/**
 * The chat room over real sockets, for the chat specs: a server with one room, and clients that
 * have joined it.
 */
import type WebSocket from 'ws';
import { chatHandler, type ChatEvent, type ChatOptions } from '../../examples/chat.js';
import { LocalRegistry } from '../../src/index.js';
import type { Inbox, LiveServer } from './support.js';

/** A joined chat client: its socket and inbox, the events up to `joined`, the members it was told. */
export type JoinedClient = { socket: WebSocket; inbox: Inbox } & {
  events: unknown[];
  members: readonly string[];
};

/** `startChat` and `join` on one live server (create it with `liveServer()` in the `describe`). */
export function chatRoom(live: LiveServer): {
  startChat(options?: ChatOptions): Promise<LocalRegistry>;
  join(nick?: string): Promise<JoinedClient>;
} {
  return {
    /** A server with one chat room; the clock stands still unless a spec moves it. */
    async startChat(options: ChatOptions = { now: () => 0 }): Promise<LocalRegistry> {
      const registry = new LocalRegistry();
      await live.start({ routes: { '/chat': chatHandler(registry, options) }, registry });
      return registry;
    },
    /**
     * Opens a chat connection (with `?nick=` if given) and reads its first event, the member list,
     * then the events up to its `joined`.
     */
    async join(nick?: string): Promise<JoinedClient> {
      const client = await live.open(`/chat${nick === undefined ? '' : `?nick=${nick}`}`);
      const first = (await client.inbox.json()) as ChatEvent;
      if (first.type !== 'members') throw new Error(`first event: ${JSON.stringify(first)}`);
      const events: unknown[] = [];
      for (;;) {
        const next = (await client.inbox.json()) as ChatEvent;
        events.push(next);
        if (next.type === 'joined') return { ...client, events, members: first.nicks };
      }
    },
  };
}
