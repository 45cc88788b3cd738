/**
 * The chat's limits over real sockets: rate limits per connection and per room, message sizes,
 * and what the registry refusing a nick does. The chat's other behaviour is in chat.spec.ts.
 */
import { describe, expect, it } from 'vitest';
import { CHAT_LIMITS, chatHandler, type ChatLimits } from '../../examples/chat.js';
import { LocalRegistry, type ConnectionRef } from '../../src/index.js';
import { chatRoom } from './chatRoomSupport.js';
import { closed, liveServer } from './support.js';

describe('chatHandler limits (real sockets)', () => {
  const live = liveServer();

  const { startChat, join } = chatRoom(live);

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
