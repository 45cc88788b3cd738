import { Observable } from 'rxjs';
import type { Result } from '../handler/handler.js';
import type { CallResult } from '../handler/results.js';
import { validateCommand, validateResult } from '../handler/validate.js';

/** Checking what a callback returned, shared by both ways the engine runs callback handlers. */

/**
 * Whether a callback answered now rather than with a Promise or an Observable. Anything that is
 * neither counts as an answer now, so that a wrong value is reported by `checkedResult`.
 */
export function isSettled<S>(result: Result<S>): result is CallResult<S> {
  if (result instanceof Observable) return false;
  return !(
    typeof result === 'object' &&
    result !== null &&
    typeof (result as { then?: unknown }).then === 'function'
  );
}

/** `value` as a valid call result, every frame and command in it checked; throws otherwise. */
export function checkedResult<S>(value: unknown): CallResult<S> {
  const result = validateResult<S>(value);
  if (result.type === 'reply') result.frames.forEach(validateCommand);
  else if (result.type === 'commands') result.commands.forEach(validateCommand);
  return result;
}
