import type { Command } from './commands.js';
import type { OutFrame } from './frames.js';

/**
 * What a callback returns: every form of Cowboy's manual page plus Cowboy 2.x `commands`.
 *
 * `ok(state)`, `ok(state, hibernate)`, `reply(frames, state)`, `reply(frames, state, hibernate)`,
 * `stop(state)`, `commands(list, state)`, `commands(list, state, hibernate)`.
 */

/** Pass as the last argument of `ok`, `reply` or `commands` to hibernate after the call. */
export const hibernate = 'hibernate' as const;

/** The `hibernate` marker's type. */
export type Hibernate = typeof hibernate;

/** Keep going with a new state. */
export interface OkResult<S> {
  readonly type: 'ok';
  readonly state: S;
  readonly hibernate: boolean;
}

/** Send frames (in order), keep going. A close frame among them ends the connection (`stop`). */
export interface ReplyResult<S> {
  readonly type: 'reply';
  readonly frames: readonly OutFrame[];
  readonly state: S;
  readonly hibernate: boolean;
}

/** Close with 1000 and end the connection with reason `stop`. */
export interface StopResult<S> {
  readonly type: 'stop';
  readonly state: S;
}

/** Apply commands in order (frames, `active`, `deflate`, `setOptions`, `shutdownReason`). */
export interface CommandsResult<S> {
  readonly type: 'commands';
  readonly commands: readonly Command[];
  readonly state: S;
  readonly hibernate: boolean;
}

/** One settled call result. */
export type CallResult<S> = OkResult<S> | ReplyResult<S> | StopResult<S> | CommandsResult<S>;

/** Keep going with `state`; optionally hibernate. */
export function ok<S>(state: S, hib?: Hibernate): OkResult<S> {
  return { type: 'ok', state, hibernate: hib === hibernate };
}

/** Send one frame or several, in order; optionally hibernate. */
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

/** Stop: close with 1000 and call `terminate` with reason `stop`. */
export function stop<S>(state: S): StopResult<S> {
  return { type: 'stop', state };
}

/** Apply a list of commands in order; optionally hibernate. */
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
