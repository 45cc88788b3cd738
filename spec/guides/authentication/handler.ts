import {
  close,
  ok,
  reply,
  text,
  MAX_TIMER_DELAY,
  type CallResult,
  type ConnectionContext,
  type Handler,
  type Result,
  type TextFrame,
} from 'rodeo';
import {
  asyncScheduler,
  catchError,
  from,
  map,
  of,
  timeout,
  timer,
  type SchedulerLike,
} from 'rxjs';
import { authenticate, type AuthOptions, type Session } from './authenticate.js';
import type { Role } from './credentials.js';

/** The info the expiry timer sends to its own connection. */
export type ExpiryCheck = 'expiry';

/** Close code for an expired token (4000–4999 are the application's): log in and reconnect. */
export const TOKEN_EXPIRED = 4001;

/** Refused actions in a row after which the connection closes with 1008 (policy violation). */
export const MAX_REFUSALS = 3;

/** How long a token refresh may wait for the token backend. */
export const LOOKUP_TIMEOUT = 5_000;

/** The role each action needs (a Map: `"constructor"` must not find `Object`'s). */
const NEEDS: ReadonlyMap<unknown, Role> = new Map([
  ['read', 'read'],
  ['write', 'write'],
]);

/**
 * A handler that lets only authenticated users in (`authenticate`), checks every action against
 * their roles, takes a fresh token (`{"action":"refresh","token":"…"}`) while connected, and
 * closes with {@link TOKEN_EXPIRED} when the token runs out.
 */
export function authHandler(
  options: Omit<AuthOptions, 'scheduler'> & { readonly scheduler?: SchedulerLike },
): Handler<Session, ExpiryCheck> {
  const scheduler = options.scheduler ?? asyncScheduler;
  const expired = (session: Session): boolean => scheduler.now() >= session.identity.expiresAt;
  const closeExpired = (session: Session): CallResult<Session> =>
    reply(close(TOKEN_EXPIRED, 'token expired'), session);

  // One timer at a time; a lifetime longer than a Node timer holds is waited out in steps.
  const arm = (session: Session, ctx: ConnectionContext<ExpiryCheck>): Session => {
    session.expiry?.unsubscribe();
    const due = Math.min(session.identity.expiresAt - scheduler.now(), MAX_TIMER_DELAY);
    const expiry = timer(due, scheduler).subscribe(() => ctx.ref.send('expiry'));
    return { ...session, expiry };
  };

  const refresh = (
    token: unknown,
    session: Session,
    ctx: ConnectionContext<ExpiryCheck>,
  ): Result<Session> => {
    if (typeof token !== 'string') {
      return reply(json({ type: 'error', code: 'bad_request' }), session);
    }
    return from(options.tokens.lookup(token)).pipe(
      timeout({ first: LOOKUP_TIMEOUT, scheduler }),
      map((identity) => {
        if (identity?.user !== session.identity.user || identity.expiresAt <= scheduler.now()) {
          return reply(json({ type: 'error', code: 'invalid_token' }), session);
        }
        const renewed = arm({ ...session, identity }, ctx);
        return reply(json({ type: 'refreshed', expiresAt: identity.expiresAt }), renewed);
      }),
      catchError(() => of(reply(json({ type: 'error', code: 'unavailable' }), session))),
    );
  };

  return {
    init: (req) => authenticate(req, { ...options, scheduler }),
    websocketInit: (session, ctx) => ok(arm(session, ctx)),
    websocketHandle: (frame, session, ctx) => {
      if (expired(session)) return closeExpired(session);
      if (frame.type !== 'text') return ok(session);
      const { action, token } = parse(frame.data);
      if (action === 'refresh') return refresh(token, session, ctx);
      const role = NEEDS.get(action);
      if (role === undefined) return reply(json({ type: 'error', code: 'bad_request' }), session);
      if (session.identity.roles.includes(role)) {
        const { user } = session.identity;
        return reply(json({ type: 'done', action, user }), { ...session, refusals: 0 });
      }
      const refusals = session.refusals + 1;
      const refused = json({ type: 'error', code: 'forbidden', action });
      if (refusals < MAX_REFUSALS) return reply(refused, { ...session, refusals });
      return reply([refused, close(1008, 'too many forbidden actions')], session);
    },
    websocketInfo: (_check, session, ctx) =>
      expired(session) ? closeExpired(session) : ok(arm(session, ctx)),
    terminate: (_reason, _req, session) => session?.expiry?.unsubscribe(),
  };
}

function parse(data: string): { readonly action?: unknown; readonly token?: unknown } {
  try {
    const value: unknown = JSON.parse(data);
    return typeof value === 'object' && value !== null ? value : {};
  } catch {
    return {};
  }
}

function json(value: unknown): TextFrame {
  return text(JSON.stringify(value));
}
