import { RodeoError } from '../handler/errors.js';
import type { AnyHandler, InitResult } from '../handler/handler.js';
import type { Request } from '../handler/request.js';

/**
 * Calling a handler's `init` (SEMANTICS §3): its decision, checked, without an extra turn of the
 * event loop when `init` is synchronous. Only an `init` that returns a promise (or any thenable) is
 * waited for, so only those are "in flight" for shutdown to wait on.
 */

/** What `init` decided, or why it failed (it threw, rejected, or returned something else). */
export type InitDecision =
  | { readonly type: 'ok'; readonly result: InitResult<unknown> }
  | { readonly type: 'failed'; readonly error: unknown };

/**
 * Calls `handler.init(request)`. Returns its decision at once if `init` returned one, or a promise
 * of it (never rejecting) if `init` returned a thenable.
 */
export function startInit(
  handler: AnyHandler<unknown, unknown>,
  request: Request,
): InitDecision | Promise<InitDecision> {
  try {
    const result: unknown = handler.init(request);
    return isThenable(result) ? settle(result) : decide(result);
  } catch (error) {
    return { type: 'failed', error };
  }
}

async function settle(result: PromiseLike<unknown>): Promise<InitDecision> {
  try {
    return decide(await result);
  } catch (error) {
    return { type: 'failed', error };
  }
}

function decide(result: unknown): InitDecision {
  const type = (result as { type?: unknown } | null)?.type;
  if (type === 'upgrade' || type === 'respond') {
    return { type: 'ok', result: result as InitResult<unknown> };
  }
  return {
    type: 'failed',
    error: new RodeoError('RODEO_ERR_INVALID_RESULT', 'init must return upgrade() or respond()'),
  };
}

/** What `await` would wait for: an object or function with a callable `then`. */
function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    (typeof value === 'object' || typeof value === 'function') &&
    value !== null &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}
