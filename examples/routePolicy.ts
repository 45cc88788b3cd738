/**
 * What every demo route enforces before and around its handler: the Origin check (403 for a page
 * that may not connect) and the connection options the demo sets for all routes (idle timeout and
 * keepalive pings).
 * One wrapper instead of the same lines in every example handler.
 */
import {
  respond,
  upgrade,
  type AnyHandler,
  type Handler,
  type PipelineHandler,
  type UpgradeRequest,
  type UpgradeOptions,
} from '../src/index.js';
import { originAllowed } from './origins.js';
import { whenSettled } from './settled.js';

/** Connection options the demo applies to every route, over the handler's own. */
export type ConnectionOptions = Pick<UpgradeOptions, 'idleTimeout' | 'keepalive' | 'headers'>;

/** What every route of the demo enforces. */
export interface RoutePolicy {
  /** Origins that may open sockets: exact origins, `self`, `*` (see `originAllowed`). */
  readonly allowedOrigins: readonly string[];
  /** Options every connection gets, whatever its handler chose. */
  readonly connection: ConnectionOptions;
}

/**
 * `handler` behind the demo's policy: a request from an Origin that is not allowed is answered
 * `403` (plain HTTP, no upgrade) before the handler's `init` runs, and the handler's `terminate`
 * is not called for it (the handler never started); an upgrade gets the policy's options.
 *
 * @param handler A callback or pipeline handler.
 * @param policy Origins and connection options.
 * @return The same kind of handler.
 */
export function withPolicy<S, I>(handler: Handler<S, I>, policy: RoutePolicy): Handler<S, I>;
export function withPolicy<S, I>(
  handler: PipelineHandler<S, I>,
  policy: RoutePolicy,
): PipelineHandler<S, I>;
export function withPolicy<S, I>(handler: AnyHandler<S, I>, policy: RoutePolicy): AnyHandler<S, I> {
  const refused = new WeakSet<UpgradeRequest>();
  const { terminate } = handler;
  return {
    ...handler,
    init: (req: UpgradeRequest) => {
      if (!originAllowed(req, policy.allowedOrigins)) {
        refused.add(req);
        return respond(
          403,
          { 'Content-Type': 'text/plain; charset=utf-8' },
          'Origin not allowed\n',
        );
      }
      return whenSettled(handler.init(req), (result) =>
        result.type === 'upgrade'
          ? upgrade(result.state, { ...result.options, ...policy.connection })
          : result,
      );
    },
    ...(terminate && {
      terminate: (reason, req, state) => {
        if (!refused.delete(req)) terminate.call(handler, reason, req, state);
      },
    }),
  } as AnyHandler<S, I>;
}
