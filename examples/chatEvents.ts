/**
 * The chat's wire format: every frame the server sends is one JSON {@link ChatEvent}. Errors go
 * to the member they concern only, with a stable `code` a client can act on.
 */
import { text, type TextFrame } from '../src/index.js';

/** The group every chat connection joins. */
export const CHAT_GROUP = 'chat';

/**
 * Each member is also in the group `chat-nick:<its nick>`, so that the member list a newcomer gets
 * can say who everyone is, on every node of a cluster (`Registry#groupsOf`).
 */
export const NICK_GROUP = 'chat-nick:';

/** Why the chat refused something. */
export type ChatErrorCode =
  /** The nick (asked for on joining or with `/nick`) belongs to another member. */
  | 'nick_taken'
  /** The nick has no visible character, or is a `guest-N` nick. */
  | 'nick_invalid'
  /** The member sent more messages than its rate limit allows; the message was dropped. */
  | 'rate_limited'
  /** The message has more characters than the chat carries; it was dropped. */
  | 'too_long'
  /** The room as a whole is over its rate; the message or rename was dropped. */
  | 'room_busy';

/** What clients receive, as JSON text frames. */
export type ChatEvent =
  /** A newcomer's first event: who is in the room, its own nick included. */
  | { readonly type: 'members'; readonly nicks: readonly string[] }
  | { readonly type: 'joined' | 'left'; readonly nick: string }
  | { readonly type: 'renamed'; readonly from: string; readonly nick: string }
  | { readonly type: 'message'; readonly nick: string; readonly text: string }
  | ChatErrorEvent;

/** An error event; nick errors also say which nick the member has now. */
export interface ChatErrorEvent {
  readonly type: 'error';
  readonly code: ChatErrorCode;
  readonly message: string;
  readonly nick?: string;
}

/** An error event, with the member's current nick for nick errors. */
export function chatError(code: ChatErrorCode, message: string, nick?: string): ChatErrorEvent {
  return nick === undefined
    ? { type: 'error', code, message }
    : { type: 'error', code, message, nick };
}

/** The text frame carrying `event`. */
export function eventFrame(event: ChatEvent): TextFrame {
  return text(JSON.stringify(event));
}
