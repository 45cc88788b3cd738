import type { UpgradeRequest } from 'rodeo';

/** What a token may allow: opening a connection (`read`) and changing things (`write`). */
export type Role = 'read' | 'write';

/** Who a token belongs to, what it allows, and until when (epoch milliseconds). */
export interface Identity {
  readonly user: string;
  readonly roles: readonly Role[];
  readonly expiresAt: number;
}

/** Your token backend: a database, a session cache, an OAuth introspection endpoint. */
export interface TokenStore {
  /** The identity behind `token`, or `undefined` when it is unknown or revoked. */
  lookup(token: string): Promise<Identity | undefined>;
}

/**
 * The token of an upgrade request, from the first place that has one: an `Authorization: Bearer`
 * header (programs), the `access_token` query parameter (browsers cannot set headers on a
 * WebSocket), or the `session` cookie (sent by the browser on its own: check the Origin too).
 */
export function tokenOf(req: UpgradeRequest): string | undefined {
  const authorization = req.headers.authorization;
  const bearer =
    typeof authorization === 'string' ? /^Bearer +(\S+)$/i.exec(authorization.trim()) : null;
  if (bearer?.[1] !== undefined) return bearer[1];
  const query = req.query.access_token;
  if (query !== undefined && query !== '') return query;
  return cookie(req.headers.cookie, 'session');
}

/** One cookie's raw value (Node joins several `Cookie` headers with `; `). */
function cookie(header: string | readonly string[] | undefined, name: string): string | undefined {
  if (typeof header !== 'string') return undefined;
  for (const pair of header.split(';')) {
    const at = pair.indexOf('=');
    if (at > 0 && pair.slice(0, at).trim() === name) return pair.slice(at + 1).trim() || undefined;
  }
  return undefined;
}
