/**
 * The chat's rules, one room on a registry: unique nicks (registry names), the room's group, a
 * message allowance per connection and a broadcast allowance for the room. `chatHandler` maps the
 * handler callbacks onto it.
 */
import {
  close,
  ok,
  reply,
  type CallResult,
  type ConnectionRef,
  type InFrame,
  type Registry,
  type Result,
} from '../src/index.js';
import { CHAT_GROUP, chatError, eventFrame, NICK_GROUP, type ChatEvent } from './chatEvents.js';
import { characters, checkNick, cleanText, guestNick, MAX_TEXT, nickName } from './chatText.js';
import type { NickCheck } from './chatText.js';
import { whenSettled } from './settled.js';
import { fullBucket, take, type Bucket, type RateLimit } from './tokenBucket.js';

/** Rate limits of the chat, and when a flooding connection is closed. */
export interface ChatLimits {
  /** Messages (text or binary frames, `/nick` included) one connection may send. */
  readonly messages: RateLimit;
  /** Broadcasts (messages, renames, join and leave notices) the whole room carries. */
  readonly room: RateLimit;
  /** Refused messages in a row after which the connection is closed with 1008. */
  readonly floodLimit: number;
}

/** The demo's limits: 5 messages a second with bursts of 10 each, 50 a second in the room. */
export const CHAT_LIMITS: ChatLimits = {
  messages: { rate: 5, burst: 10 },
  room: { rate: 50, burst: 100 },
  floodLimit: 20,
};

/** A chat connection's state. */
export interface ChatState {
  /** The member's nick, `null` until it has joined. */
  readonly nick: string | null;
  /** The nick asked for with `?nick=`, checked; used once, on joining. */
  readonly asked: NickCheck | null;
  /** This connection's message allowance. */
  readonly bucket: Bucket;
  /** Messages refused in a row for the rate limit. */
  readonly strikes: number;
}

type Ref = ConnectionRef<never>;

/** One chat room: its registry names and group, its guest counter and its broadcast allowance. */
export class ChatRoom {
  readonly #registry: Registry;
  readonly #limits: ChatLimits;
  readonly #now: () => number;
  #guests = 0;
  #room: Bucket;

  constructor(registry: Registry, limits: ChatLimits, now: () => number) {
    this.#registry = registry;
    this.#limits = limits;
    this.#now = now;
    this.#room = fullBucket(limits.room, now());
  }

  /** The state of a connection that asked for `nick` (`undefined`: no nick asked for). */
  arrive(nick: string | undefined): ChatState {
    const asked = nick === undefined || nick === '' ? null : checkNick(nick);
    return {
      nick: null,
      asked,
      bucket: fullBucket(this.#limits.messages, this.#now()),
      strikes: 0,
    };
  }

  /** Registers the asked-for nick, or a guest nick with an error saying why, and joins. */
  enter(state: ChatState, ref: Ref): Result<ChatState> {
    const asked = state.asked;
    if (asked === null) return this.#enterAsGuest(state, ref);
    if (asked.type === 'invalid') {
      return this.#enterAsGuest(state, ref, (guest) =>
        chatError('nick_invalid', `${asked.reason}; you are ${guest}`, guest),
      );
    }
    return whenSettled(this.#registry.register(nickName(asked.nick), ref), (free) =>
      free
        ? this.#join(asked.nick, state, ref)
        : this.#enterAsGuest(state, ref, (guest) =>
            chatError('nick_taken', `"${asked.nick}" is taken; you are ${guest}`, guest),
          ),
    );
  }

  /** A text or binary frame: counted against the allowance, then a message or a `/nick`. */
  receive(frame: InFrame, state: ChatState, ref: Ref): Result<ChatState> {
    if (frame.type !== 'text' && frame.type !== 'binary') return ok(state);
    const taken = take(state.bucket, this.#limits.messages, this.#now());
    if (!taken.allowed) return this.#refuse({ ...state, bucket: taken.bucket });
    const current = { ...state, bucket: taken.bucket, strikes: 0 };
    if (frame.type === 'binary' || current.nick === null) return ok(current);
    if (frame.data.startsWith('/nick ')) {
      return this.#rename(current.nick, frame.data.slice('/nick '.length), current, ref);
    }
    const line = cleanText(frame.data);
    if (line === '') return ok(current);
    if (characters(line) > MAX_TEXT) {
      return this.#answer(current, 'too_long', `messages are at most ${MAX_TEXT} characters`);
    }
    return this.#tell({ type: 'message', nick: current.nick, text: line })
      ? ok(current)
      : this.#busy(current);
  }

  /** Tells the others a member left (its name and membership end with its connection). */
  depart(state: ChatState): void {
    if (state.nick !== null) this.#tell({ type: 'left', nick: state.nick });
  }

  /** A guest nick; `guest-N` cannot be asked for, so only a registry shared with others refuses. */
  #enterAsGuest(state: ChatState, ref: Ref, note?: (guest: string) => ChatEvent) {
    const guest = guestNick(++this.#guests);
    return whenSettled(this.#registry.register(nickName(guest), ref), (free) =>
      free
        ? this.#join(guest, state, ref, note?.(guest))
        : reply(close(1013, 'no free guest nick'), state),
    );
  }

  /**
   * Tells the others first, then joins; the member gets who is there (itself included), its note
   * and its own `joined`.
   */
  #join(nick: string, state: ChatState, ref: Ref, note?: ChatEvent): CallResult<ChatState> {
    const members: ChatEvent = { type: 'members', nicks: [...this.#nicks(), nick] };
    const joined: ChatEvent = { type: 'joined', nick };
    this.#tell(joined);
    this.#registry.join(CHAT_GROUP, ref);
    this.#registry.join(NICK_GROUP + nick, ref);
    const events = note === undefined ? [members, joined] : [members, note, joined];
    return reply(events.map(eventFrame), { ...state, nick, asked: null });
  }

  /** The nicks of the room's members, as this node knows them (the whole cluster's). */
  #nicks(): string[] {
    const nicks: string[] = [];
    for (const member of this.#registry.members(CHAT_GROUP)) {
      const group = this.#registry.groupsOf(member).find((g) => g.startsWith(NICK_GROUP));
      if (group !== undefined) nicks.push(group.slice(NICK_GROUP.length));
    }
    return nicks;
  }

  #rename(from: string, asked: string, state: ChatState, ref: Ref): Result<ChatState> {
    const check = checkNick(asked);
    if (check.type === 'invalid') return this.#answer(state, 'nick_invalid', check.reason, from);
    const to = check.nick;
    if (to === from) return ok(state);
    const renamed = (): CallResult<ChatState> => {
      if (!this.#tell({ type: 'renamed', from, nick: to })) return this.#busy(state);
      this.#registry.leave(NICK_GROUP + from, ref);
      this.#registry.join(NICK_GROUP + to, ref);
      return ok({ ...state, nick: to });
    };
    // A change of case keeps the registry name the member already holds.
    if (nickName(to) === nickName(from)) return renamed();
    return whenSettled(this.#registry.register(nickName(to), ref), (free) => {
      if (!free) return this.#answer(state, 'nick_taken', `"${to}" is taken`, from);
      this.#registry.unregister(nickName(from), ref);
      return renamed();
    });
  }

  /** A message over the allowance: an error event, and 1008 once `floodLimit` came in a row. */
  #refuse(state: ChatState): CallResult<ChatState> {
    const { rate, burst } = this.#limits.messages;
    const strikes = state.strikes + 1;
    const warning = eventFrame(
      chatError('rate_limited', `over ${rate} messages a second (bursts of ${burst}); slow down`),
    );
    const next = { ...state, strikes };
    return strikes < this.#limits.floodLimit
      ? reply(warning, next)
      : reply([warning, close(1008, 'message rate limit exceeded')], next);
  }

  /** Broadcasts `event` if the room's allowance has a token; says whether it did. */
  #tell(event: ChatEvent): boolean {
    const taken = take(this.#room, this.#limits.room, this.#now());
    this.#room = taken.bucket;
    if (taken.allowed) this.#registry.broadcast(CHAT_GROUP, eventFrame(event));
    return taken.allowed;
  }

  #busy(state: ChatState): CallResult<ChatState> {
    return this.#answer(state, 'room_busy', 'the room is too busy; try again in a moment');
  }

  #answer(state: ChatState, ...error: Parameters<typeof chatError>): CallResult<ChatState> {
    return reply(eventFrame(chatError(...error)), state);
  }
}
