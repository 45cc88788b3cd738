/**
 * The HTTP request a handler's `init` sees: a plain, runtime-neutral snapshot (no `node:http` types),
 * so handlers and their tests never need a socket.
 */

/** Header values as Node reports them: lower-case names; repeated headers joined or listed. */
export type HeaderFields = Readonly<Record<string, string | readonly string[] | undefined>>;

/** The upgrade request. */
export interface UpgradeRequest {
  readonly method: string;
  /** The request target as sent, e.g. `/rooms/lobby?nick=ann`. */
  readonly url: string;
  /** The path without the query, e.g. `/rooms/lobby`. */
  readonly path: string;
  /** Values of the route's `:name` segments. */
  readonly params: Readonly<Record<string, string>>;
  /** Query parameters; repeated keys keep their last value. */
  readonly query: Readonly<Record<string, string>>;
  readonly headers: HeaderFields;
  readonly remoteAddress: string;
  readonly remotePort: number;
}

/** A request with sensible empty defaults, for tests and examples. */
export function request(fields: Partial<UpgradeRequest> = {}): UpgradeRequest {
  const url = fields.url ?? fields.path ?? '/';
  return {
    method: 'GET',
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
  const joined = typeof value === 'string' ? value : (value ?? []).join(',');
  const items: string[] = [];
  for (const item of joined.split(',')) {
    const trimmed = item.trim();
    if (trimmed !== '') items.push(trimmed);
  }
  return items;
}
