/**
 * Chat: every connection joins one group; a message is broadcast to the whole group (serialized
 * once, whatever the number of members). Nick from `/chat?nick=ann`, changed with `/nick bob`;
 * nicks are unique. Each connection may send 5 messages a second (bursts of 10), the room carries
 * 50 a second; over that the sender gets an error event, and a connection refused 20 times in a
 * row is closed with 1008. Messages over 4 KiB close with 1009. Wire format: {@link ChatEvent}.
 */
import { ok, upgrade, type Handler, type Registry } from '../src/index.js';
import { CHAT_LIMITS, ChatRoom, type ChatLimits, type ChatState } from './chatRoom.js';

export { CHAT_GROUP, NICK_GROUP, type ChatErrorCode, type ChatEvent } from './chatEvents.js';
export { CHAT_LIMITS, type ChatLimits, type ChatState } from './chatRoom.js';
export { MAX_NICK, MAX_TEXT } from './chatText.js';

/** Largest chat frame in bytes: 1000 characters of up to 4 UTF-8 bytes each, and a margin. */
export const CHAT_MAX_FRAME_SIZE = 4096;

/** Options of the chat handler. */
export interface ChatOptions {
  /** Rate limits (default {@link CHAT_LIMITS}). */
  readonly limits?: ChatLimits;
  /** Monotonic milliseconds for the allowances (default `performance.now`); tests freeze it. */
  readonly now?: () => number;
}

/**
 * A chat handler on `registry`: one room. Leaving the group and freeing the nick are the
 * registry's job (both end with the connection); the handler only tells the others.
 *
 * @param registry Where the group and the nicks live; the same registry the server was given.
 * @param options Limits and clock.
 * @return The chat handler.
 */
export function chatHandler(registry: Registry, options: ChatOptions = {}): Handler<ChatState> {
  const now = options.now ?? (() => performance.now());
  const room = new ChatRoom(registry, options.limits ?? CHAT_LIMITS, now);
  return {
    init: (req) => upgrade(room.arrive(req.query['nick']), { maxFrameSize: CHAT_MAX_FRAME_SIZE }),
    websocketInit: (state, ctx) => room.enter(state, ctx.ref),
    websocketHandle: (frame, state, ctx) => room.receive(frame, state, ctx.ref),
    websocketInfo: (_info, state) => ok(state),
    terminate: (_reason, _req, state) => state && room.depart(state),
  };
}
