import { RodeoError } from '../handler/errors.js';
import type { AnyHandler, InitResult } from '../handler/handler.js';
import { reasons, type TerminateReason } from '../handler/reasons.js';
import type { UpgradeRequest } from '../handler/request.js';
import { isThenable } from './callResults.js';
import { headerLines, planConnection, type ConnectionPlan } from './plan.js';

/**
 * Calling a handler's `init` and deciding what becomes of the request — upgrade with a checked
 * plan, a plain HTTP answer, or a refusal — shared by the server and `rodeo/testing`. A synchronous
 * `init` is decided in the same turn; only one that returns a promise (or any thenable) is waited
 * for, so only those are "in flight" for a server's shutdown and `initTimeout`.
 */

/** What `init` decided, or why it failed (it threw, rejected, or returned something else). */
export type InitDecision =
  | { readonly type: 'ok'; readonly result: InitResult<unknown> }
  | { readonly type: 'failed'; readonly error: unknown };

/** What becomes of an upgrade request once `init` has answered. */
export type ConnectionDecision<S> =
  | { readonly type: 'upgrade'; readonly plan: ConnectionPlan<S> }
  | {
      readonly type: 'respond';
      readonly status: number;
      readonly headers: readonly (readonly [string, string])[];
      readonly body: string | Uint8Array;
    }
  /** `init` failed or asked for the impossible: HTTP 500, and `terminate` gets `reason`. */
  | { readonly type: 'refuse'; readonly reason: TerminateReason; readonly state: S | undefined };

/**
 * Calls `handler.init(request)`. Returns its decision at once if `init` returned one, or a promise
 * of it (never rejecting) if `init` returned a thenable.
 */
export function startInit(
  handler: AnyHandler<unknown, unknown>,
  request: UpgradeRequest,
): InitDecision | Promise<InitDecision> {
  try {
    const result: unknown = handler.init(request);
    return isThenable(result) ? settle(result) : decide(result);
  } catch (error) {
    return { type: 'failed', error };
  }
}

/**
 * The fate of a request from `init`'s decision: an upgrade is planned (`planConnection`), a plain
 * answer checked (a status 200–599 and headers that cannot inject anything), a failure refused.
 */
export function decideConnection<S>(
  decision: InitDecision,
  req: UpgradeRequest,
): ConnectionDecision<S> {
  if (decision.type === 'failed') return refuse<S>(decision.error, undefined);
  const result = decision.result as InitResult<S>;
  if (result.type === 'upgrade') {
    try {
      return { type: 'upgrade', plan: planConnection(result, req) };
    } catch (error) {
      return refuse(error, result.state);
    }
  }
  const { status, body } = result;
  if (!Number.isInteger(status) || status < 200 || status > 599) {
    const error = new RodeoError(
      'RODEO_ERR_INVALID_RESULT',
      `respond() status ${status} is not 200–599`,
    );
    return refuse<S>(error, undefined);
  }
  try {
    return {
      type: 'respond',
      status,
      headers: headerLines('RODEO_ERR_INVALID_RESULT', result.headers),
      body,
    };
  } catch (error) {
    return refuse<S>(error, undefined);
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

function refuse<S>(error: unknown, state: S | undefined): ConnectionDecision<S> {
  return { type: 'refuse', reason: reasons.crash('init', error), state };
}
