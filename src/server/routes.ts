import type { AnyHandler } from '../handler/handler.js';
import { RodeoError } from '../handler/errors.js';

/**
 * Route tables: `'/rooms/:room'`-style patterns matched against a request path, with decoded
 * parameters. Exact segments win over parameters (most specific route first), so `/rooms/new` and
 * `/rooms/:room` can coexist whatever the declaration order.
 */

/**
 * Paths to handlers. Keys start with `/`; a `:name` segment captures one path segment, decoded,
 * into {@link UpgradeRequest.params}. Exact segments win over parameters whatever the order, so
 * `/rooms/new` and `/rooms/:room` can coexist; the query string is not part of the match. A
 * malformed pattern or a value without `init` throws `RODEO_ERR_INVALID_OPTION` at start-up.
 *
 * ```ts
 * const routes: Routes = { '/echo': echo, '/rooms/:room': room };
 * ```
 */
export type Routes = Readonly<Record<string, AnyHandler<unknown, unknown>>>;

/** A successful match. */
export interface RouteMatch {
  readonly pattern: string;
  readonly handler: AnyHandler<unknown, unknown>;
  readonly params: Readonly<Record<string, string>>;
}

/** A compiled route table. */
export interface RouteTable {
  /** The route for a path (without query), or `undefined`. */
  match(path: string): RouteMatch | undefined;
}

interface CompiledRoute {
  readonly pattern: string;
  readonly handler: AnyHandler<unknown, unknown>;
  readonly segments: readonly Segment[];
}

type Segment =
  | { readonly type: 'exact'; readonly value: string }
  | { readonly type: 'param'; readonly name: string };

/**
 * Compiles a route table; throws `RODEO_ERR_INVALID_OPTION` for malformed patterns or handlers, at
 * start-up rather than on the first request.
 */
export function compileRoutes(routes: Routes): RouteTable {
  if (typeof routes !== 'object' || routes === null) {
    throw new RodeoError('RODEO_ERR_INVALID_OPTION', 'routes must be an object of path → handler');
  }
  const compiled = Object.entries(routes).map(([pattern, handler]) =>
    compileRoute(pattern, handler),
  );
  compiled.sort(bySpecificity);
  // A route without parameters that matches is the most specific match: look those up directly
  // when the path has nothing to decode.
  const exact = new Map<string, RouteMatch>();
  for (const route of compiled) {
    if (route.segments.every((segment) => segment.type === 'exact')) {
      const { pattern, handler } = route;
      exact.set(pattern, Object.freeze({ pattern, handler, params: NO_PARAMS }));
    }
  }
  return {
    match(path) {
      if (!path.includes('%')) {
        const hit = exact.get(path);
        if (hit !== undefined) return hit;
      }
      const parts = splitPath(path);
      if (parts === undefined) return undefined;
      for (const route of compiled) {
        const params = matchSegments(route.segments, parts);
        if (params !== undefined) return { pattern: route.pattern, handler: route.handler, params };
      }
      return undefined;
    },
  };
}

const NO_PARAMS: Readonly<Record<string, string>> = Object.freeze({});

function compileRoute(pattern: string, handler: unknown): CompiledRoute {
  if (!pattern.startsWith('/')) {
    throw new RodeoError('RODEO_ERR_INVALID_OPTION', `route "${pattern}" must start with "/"`);
  }
  if (
    typeof handler !== 'object' ||
    handler === null ||
    typeof (handler as { init?: unknown }).init !== 'function'
  ) {
    throw new RodeoError(
      'RODEO_ERR_INVALID_OPTION',
      `route "${pattern}" has no handler with init()`,
    );
  }
  const names = new Set<string>();
  const segments = pattern
    .slice(1)
    .split('/')
    .map((part): Segment => {
      if (!part.startsWith(':')) return { type: 'exact', value: part };
      const name = part.slice(1);
      if (name === '' || names.has(name)) {
        throw new RodeoError('RODEO_ERR_INVALID_OPTION', `route "${pattern}" has a bad parameter`);
      }
      names.add(name);
      return { type: 'param', name };
    });
  return { pattern, handler: handler as AnyHandler<unknown, unknown>, segments };
}

/** Exact segments before parameters, position by position. */
function bySpecificity(a: CompiledRoute, b: CompiledRoute): number {
  const length = Math.min(a.segments.length, b.segments.length);
  for (let i = 0; i < length; i++) {
    const rank = rankOf(a.segments[i]) - rankOf(b.segments[i]);
    if (rank !== 0) return rank;
  }
  return a.segments.length - b.segments.length;
}

function rankOf(segment: Segment | undefined): number {
  return segment?.type === 'exact' ? 0 : 1;
}

function splitPath(path: string): string[] | undefined {
  try {
    return path
      .slice(1)
      .split('/')
      .map((part) => decodeURIComponent(part));
  } catch {
    // A malformed percent-escape matches no route rather than throwing into the server.
    return undefined;
  }
}

function matchSegments(
  segments: readonly Segment[],
  parts: readonly string[],
): Record<string, string> | undefined {
  if (segments.length !== parts.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i] as Segment;
    const part = parts[i] as string;
    if (segment.type === 'exact') {
      if (segment.value !== part) return undefined;
    } else {
      if (part === '') return undefined;
      params[segment.name] = part;
    }
  }
  return params;
}
