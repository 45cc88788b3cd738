import { isObservable, type Observable } from 'rxjs';
import type { Command } from '../handler/commands.js';
import { close } from '../handler/frames.js';
import type { CallResult } from '../handler/results.js';
import { validateCommand, validateResult } from '../handler/validate.js';

/**
 * Reading what a callback returned: the one place that decides whether an answer is settled or
 * asynchronous, checks it, and lists the commands it carries.
 */

/** The close frame a `stop` result stands for. */
export const STOP_FRAME = close(1000);

const NO_COMMANDS: readonly Command[] = [];
const STOP_COMMANDS: readonly Command[] = [STOP_FRAME];

/** Whether `value` is a Promise, any other thenable, or an Observable (also from another rxjs). */
export function isAsyncResult(value: unknown): value is PromiseLike<unknown> | Observable<unknown> {
  return isThenable(value) || isObservable(value);
}

/** What `await` would wait for: an object or function with a callable `then`. */
export function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    (typeof value === 'object' || typeof value === 'function') &&
    value !== null &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}

/** `value` as a valid call result, every frame and command in it checked; throws otherwise. */
export function checkedResult<S>(value: unknown): CallResult<S> {
  const result = validateResult<S>(value);
  const list = commandsOf(result);
  for (let i = 0; i < list.length; i++) validateCommand(list[i]);
  return result;
}

/** The commands a result carries, in order: its frames, its commands, or a 1000 close for `stop`. */
export function commandsOf<S>(result: CallResult<S>): readonly Command[] {
  switch (result.type) {
    case 'ok':
      return NO_COMMANDS;
    case 'reply':
      return result.frames;
    case 'commands':
      return result.commands;
    case 'stop':
      return STOP_COMMANDS;
  }
}

/** Whether a result asked to hibernate afterwards. */
export function hibernates<S>(result: CallResult<S>): boolean {
  return result.type !== 'stop' && result.hibernate;
}
