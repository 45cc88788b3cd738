import type { Command } from './commands.js';
import type { OutFrame } from './frames.js';

/**
 * What a callback returns: every form of Cowboy's manual page plus Cowboy 2.x `commands`.
 *
 * `ok(state)`, `ok(state, hibernate)`, `reply(frames, state)`, `reply(frames, state, hibernate)`,
 * `stop(state)`, `commands(list, state)`, `commands(list, state, hibernate)`.
 */

/**
 * Pass as the last argument of {@link ok}, {@link reply} or {@link commands} to hibernate after
 * the call: the server frees what an idle connection can re-create (the compressor, and the
 * decompressor when the peer agreed to no context takeover), at the cost of re-creating it on the
 * next message. Worth it for connections that stay quiet for long.
 */
export const hibernate = 'hibernate' as const;

/** The {@link hibernate} marker's type. */
export type Hibernate = typeof hibernate;

/** Keep going with a new state. Made by {@link ok}. */
export interface OkResult<S> {
  /** The result's tag. */
  readonly type: 'ok';
  /** The state the next callback (and `terminate`) gets. */
  readonly state: S;
  /** Whether to hibernate after it (see {@link hibernate}). */
  readonly hibernate: boolean;
}

/**
 * Send frames (in order), keep going. A close frame among them ends the connection (`stop`).
 * Made by {@link reply}.
 */
export interface ReplyResult<S> {
  /** The result's tag. */
  readonly type: 'reply';
  /** The frames to send, in order; those after a close frame are dropped. */
  readonly frames: readonly OutFrame[];
  /** The state the next callback (and `terminate`) gets. */
  readonly state: S;
  /** Whether to hibernate after sending (see {@link hibernate}). */
  readonly hibernate: boolean;
}

/** Close with 1000 and end the connection with reason `stop`. Made by {@link stop}. */
export interface StopResult<S> {
  /** The result's tag. */
  readonly type: 'stop';
  /** The state `terminate` gets. */
  readonly state: S;
}

/**
 * Apply commands in order (frames, `active`, `deflate`, `setOptions`, `shutdownReason`): Cowboy
 * 2.x's commands. Made by {@link commands}.
 */
export interface CommandsResult<S> {
  /** The result's tag. */
  readonly type: 'commands';
  /** The commands, applied in order; a close frame is the last one applied. */
  readonly commands: readonly Command[];
  /** The state the next callback (and `terminate`) gets. */
  readonly state: S;
  /** Whether to hibernate after the commands (see {@link hibernate}). */
  readonly hibernate: boolean;
}

/**
 * One settled call result: what a callback returns (or what its Promise or Observable yields),
 * checked before anything of it is applied — an invalid one crashes the connection (1011).
 */
export type CallResult<S> = OkResult<S> | ReplyResult<S> | StopResult<S> | CommandsResult<S>;

/**
 * Keep going with `state`; optionally hibernate.
 *
 * ```ts
 * websocketInfo: (_info, state) => ok(state, hibernate)
 * ```
 */
export function ok<S>(state: S, hib?: Hibernate): OkResult<S> {
  return { type: 'ok', state, hibernate: hib === hibernate };
}

/**
 * Send one frame or several, in order, and keep going with `state`; optionally hibernate. The
 * frames of one result go out together.
 *
 * ```ts
 * websocketHandle: (frame, n) => reply([text(`#${n}`), frame], n + 1)
 * ```
 */
export function reply<S>(
  frames: OutFrame | readonly OutFrame[],
  state: S,
  hib?: Hibernate,
): ReplyResult<S> {
  return {
    type: 'reply',
    frames: isFrameList(frames) ? frames : [frames],
    state,
    hibernate: hib === hibernate,
  };
}

/**
 * Stop: close with 1000 and call `terminate` with reason `stop` and this `state`. To close with
 * another code, reply with {@link close} instead.
 */
export function stop<S>(state: S): StopResult<S> {
  return { type: 'stop', state };
}

/**
 * Apply a list of commands in order; optionally hibernate.
 *
 * ```ts
 * commands([active(false), text('slow down')], state)
 * ```
 */
export function commands<S>(
  list: readonly Command[],
  state: S,
  hib?: Hibernate,
): CommandsResult<S> {
  return { type: 'commands', commands: list, state, hibernate: hib === hibernate };
}

function isFrameList(frames: OutFrame | readonly OutFrame[]): frames is readonly OutFrame[] {
  return Array.isArray(frames);
}
