/**
 * The HTTP request a handler's `init` sees: a plain, runtime-neutral snapshot (no `node:http` types),
 * so handlers and their tests never need a socket.
 */

/** Header values as Node reports them: lower-case names; repeated headers joined or listed. */
export type HeaderFields = Readonly<Record<string, string | readonly string[] | undefined>>;

/**
 * The HTTP version that carried the handshake: `HTTP/1.1` (a `GET` with `Upgrade: websocket`, a
 * TCP or TLS connection of its own) or `HTTP/2` (an extended `CONNECT`, RFC 8441: one stream of a
 * connection shared with other requests and sockets). Named as Cowboy's `version`.
 */
export type HttpVersion = 'HTTP/1.1' | 'HTTP/2';

/**
 * The upgrade request, as `init` sees it: a frozen snapshot, the same over HTTP/1.1 and HTTP/2.
 * `terminate` and `ctx.req` get it after {@link UpgradeOptions.reqFilter}.
 */
export interface UpgradeRequest {
  /** `GET` over HTTP/1.1, `CONNECT` over HTTP/2. */
  readonly method: string;
  /** The HTTP version of the handshake. */
  readonly httpVersion: HttpVersion;
  /** The request target as sent, e.g. `/rooms/lobby?nick=ann`. */
  readonly url: string;
  /** The path without the query, e.g. `/rooms/lobby`. */
  readonly path: string;
  /** Values of the route's `:name` segments. */
  readonly params: Readonly<Record<string, string>>;
  /** Query parameters; repeated keys keep their last value. */
  readonly query: Readonly<Record<string, string>>;
  /** Lower-case names; over HTTP/2, `host` is the `:authority` and pseudo-headers are left out. */
  readonly headers: HeaderFields;
  /**
   * The peer's IP address as the socket reports it (`''` if unknown). Behind a proxy it is the
   * proxy's: read the proxy's header (e.g. `x-forwarded-for`) if you trust it.
   */
  readonly remoteAddress: string;
  /** The peer's TCP port (0 if unknown). */
  readonly remotePort: number;
}

/**
 * A request with sensible empty defaults, for tests and examples: `GET /` over HTTP/1.1 from
 * `127.0.0.1`, no headers; `url` alone also sets `path` (and `path` alone, `url`).
 *
 * ```ts
 * request({ url: '/rooms/lobby?nick=ann', params: { room: 'lobby' }, query: { nick: 'ann' } })
 * ```
 */
export function request(fields: Partial<UpgradeRequest> = {}): UpgradeRequest {
  const url = fields.url ?? fields.path ?? '/';
  return {
    method: 'GET',
    httpVersion: 'HTTP/1.1',
    url,
    path: url.split('?')[0] ?? '/',
    params: {},
    query: {},
    headers: {},
    remoteAddress: '127.0.0.1',
    remotePort: 0,
    ...fields,
  };
}

/**
 * The comma-separated items of a header value (or of a repeated header's values), trimmed, empty
 * ones dropped: `'a, b,,c'` → `['a', 'b', 'c']`.
 */
export function headerList(value: string | readonly string[] | undefined): string[] {
  const items: string[] = [];
  someHeaderItem(value, (item) => void items.push(item));
  return items;
}

/**
 * Whether `test` holds for one of the items `headerList` would give, in their order; stops at
 * the first that does, and builds no list: the way to look for one token in a header.
 */
export function someHeaderItem(
  value: string | readonly string[] | undefined,
  test: (item: string) => boolean | undefined,
): boolean {
  if (value === undefined) return false;
  if (typeof value !== 'string') return value.some((one) => someHeaderItem(one, test));
  for (let from = 0; from <= value.length;) {
    const comma = value.indexOf(',', from);
    const to = comma === -1 ? value.length : comma;
    const item = value.slice(from, to).trim();
    if (item !== '' && test(item) === true) return true;
    from = to + 1;
  }
  return false;
}
