import { allowOrigins, respond, upgrade, type InitResult, type UpgradeRequest } from 'rodeo';
import type { SchedulerLike, Subscription } from 'rxjs';
import { tokenOf, type Identity, type TokenStore } from './credentials.js';

/** A connection's state: who is on it, how many actions were refused in a row, its expiry timer. */
export interface Session {
  readonly identity: Identity;
  readonly refusals: number;
  readonly expiry: Subscription | null;
}

/** What `init` checks against. */
export interface AuthOptions {
  readonly tokens: TokenStore;
  /** Origins whose pages may connect, exactly as browsers send them: `https://app.example`. */
  readonly allowedOrigins: readonly string[];
  /** The clock tokens expire by (virtual time in tests). */
  readonly scheduler: SchedulerLike;
}

/**
 * The handler's `init`: 403 for a page of a foreign origin, 401 without a valid token, 403 for a
 * token that may not read, 503 when the token backend fails; otherwise the upgrade, with the
 * identity in the connection's state. Nothing is upgraded before the token is checked.
 */
export async function authenticate(
  req: UpgradeRequest,
  options: AuthOptions,
): Promise<InitResult<Session>> {
  if (!originAllowed(req, options.allowedOrigins)) return refuse(403, 'origin not allowed');
  const token = tokenOf(req);
  if (token === undefined) return refuse(401, 'token required');
  let identity: Identity | undefined;
  try {
    identity = await options.tokens.lookup(token);
  } catch {
    return respond(503, { 'Retry-After': '5' }, 'try again later\n');
  }
  if (identity === undefined || identity.expiresAt <= options.scheduler.now()) {
    return refuse(401, 'invalid token');
  }
  if (!identity.roles.includes('read')) return refuse(403, 'not allowed');
  const session: Session = { identity, refusals: 0, expiry: null };
  return upgrade(session, { idleTimeout: 60_000, keepalive: 25_000, reqFilter: withoutSecrets });
}

/** What the connection keeps of its request (`ctx.req`, `terminate`): no token, in any place. */
function withoutSecrets(req: UpgradeRequest): UpgradeRequest {
  const kept = (name: string): boolean => name !== 'authorization' && name !== 'cookie';
  const headers = Object.fromEntries(Object.entries(req.headers).filter(([name]) => kept(name)));
  return { ...req, url: req.path, query: {}, headers };
}

/** Browsers always send an Origin; a request without one is a program, not a hijacked page. */
function originAllowed(req: UpgradeRequest, allowed: readonly string[]): boolean {
  const fromBrowser =
    req.headers.origin !== undefined || req.headers['sec-websocket-origin'] !== undefined;
  return !fromBrowser || allowOrigins(req, allowed);
}

function refuse(status: 401 | 403, message: string): InitResult<Session> {
  const challenge = status === 401 ? { 'WWW-Authenticate': 'Bearer' } : {};
  return respond(status, { 'Content-Type': 'text/plain', ...challenge }, `${message}\n`);
}
