/**
 * Which web pages may open the demo's sockets. Browsers send the page's origin with every
 * WebSocket handshake and let any page connect anywhere, so without this check a page on another
 * site could read the chat in a visitor's browser (cross-site WebSocket hijacking).
 *
 * An allow-list holds exact origins (`https://chat.example`), `self` — the origin of the page
 * this server serves, read from the request's `Host` — and `*` (any page). Requests without an
 * Origin are allowed: browsers always send one, so such a request is not a page in someone's
 * browser, and a program could send any Origin it liked anyway.
 */
import { allowOrigins, type UpgradeRequest } from '../src/index.js';

/** In an allow-list: the page's own origin, from the request's `Host`. */
export const SELF = 'self';

/** In an allow-list: any origin. */
export const ANY = '*';

/**
 * Whether `req` may open a socket: it has no Origin, or its Origin is in `allowed` (`self`
 * meaning `http://HOST` and `https://HOST` for the request's Host, default ports left out).
 *
 * @param req The upgrade request.
 * @param allowed Origins, {@link SELF} and {@link ANY}.
 * @return Whether to upgrade.
 */
export function originAllowed(req: UpgradeRequest, allowed: readonly string[]): boolean {
  if (req.headers.origin === undefined && req.headers['sec-websocket-origin'] === undefined) {
    return true;
  }
  if (!allowed.includes(SELF)) return allowOrigins(req, allowed);
  return allowOrigins(req, [...allowed, ...ownOrigins(req.headers.host)]);
}

/**
 * Parses an allow-list such as `self,https://a.example`: entries separated by commas, each
 * `self`, `*` or an origin written as browsers send it (`scheme://host[:port]`, no path).
 *
 * @param list The comma-separated list.
 * @return The entries, or the first entry that is none of those.
 */
export function parseOrigins(
  list: string,
): { readonly origins: readonly string[] } | { readonly invalid: string } {
  const origins = list
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
  const invalid = origins.find((entry) => entry !== SELF && entry !== ANY && !isOrigin(entry));
  if (invalid !== undefined || origins.length === 0) return { invalid: invalid ?? list };
  return { origins };
}

/** The origins a page served under `host` has, over http and over https (behind a TLS proxy). */
function ownOrigins(host: string | readonly string[] | undefined): string[] {
  if (typeof host !== 'string' || host === '') return [];
  const name = host.toLowerCase();
  return [`http://${name.replace(/:80$/, '')}`, `https://${name.replace(/:443$/, '')}`];
}

function isOrigin(entry: string): boolean {
  try {
    const url = new URL(entry);
    return (
      (url.protocol === 'http:' || url.protocol === 'https:') && url.origin === entry.toLowerCase()
    );
  } catch {
    return false;
  }
}
