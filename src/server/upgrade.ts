import { RodeoError } from '../handler/errors.js';
import type { AnyHandler } from '../handler/handler.js';
import { reasons, type TerminateReason } from '../handler/reasons.js';
import type { UpgradeRequest } from '../handler/request.js';
import { decideConnection, startInit, type InitDecision } from '../operators/init.js';
import type { UpgradeExchange } from './exchange.js';
import type { HandshakeCheck } from './handshake.js';
import { safeLog } from './logger.js';
import { parseTarget } from './requestSnapshot.js';
import type { ServerContext } from './serverContext.js';
import { startSession } from './session.js';
import type { InitGivenUp } from './shutdown.js';

/**
 * The upgrade path (docs/semantics.md, "Upgrade"): route → handshake checks → `init` (bounded by
 * `initTimeout`) → either a plain HTTP answer (`normal`) or the success answer (101 over HTTP/1.1,
 * 200 over HTTP/2) with the options `init` chose, then a session on the exchange's transport. Every
 * path ends in exactly one `terminate` once `init` has been called, and none lets an error escape
 * to the process. The HTTP version only shows through the exchange (`UpgradeExchange`).
 */

type Handler = AnyHandler<unknown, unknown>;

/**
 * Handles one handshake. Never throws and never rejects: failures become HTTP answers, `terminate`
 * calls and log entries. A path without a route gets 404, unless `othersListen` says another
 * listener (e.g. Socket.IO on the same server) may want it.
 */
export async function handleUpgrade(
  server: ServerContext,
  exchange: UpgradeExchange,
  othersListen: () => boolean = nobodyElse,
): Promise<void> {
  const target = parseTarget(exchange.target);
  const route = server.routes.match(target.path);
  if (route === undefined && othersListen()) return;
  exchange.hold();
  try {
    if (route === undefined) return void exchange.answer(404, {});
    const check = exchange.check();
    if (check.type === 'reject') return void exchange.answer(check.status, check.headers);
    if (server.tracker.closing) return void exchange.answer(503, {});
    const request = exchange.snapshot(route.params, target);
    const started = startInit(route.handler, request);
    // A synchronous init goes on in the same tick; only an init in flight is waited for (bounded).
    const answered =
      started instanceof Promise
        ? await server.tracker.pending(started, server.initTimeout)
        : started;
    upgradeOrAnswer(server, route.handler, exchange, check, request, answered);
  } catch (error) {
    // Only a bug in rodeo gets here; contain it to this socket.
    safeLog(server.logger, 'error', { err: error }, 'upgrade failed');
    exchange.abort();
  }
}

function upgradeOrAnswer(
  server: ServerContext,
  handler: Handler,
  exchange: UpgradeExchange,
  check: HandshakeCheck & { readonly type: 'accept' },
  request: UpgradeRequest,
  answered: InitDecision | InitGivenUp,
): void {
  const end = (reason: TerminateReason, state: unknown): void =>
    terminateOutside(server, handler, reason, request, state);
  if (answered === 'timeout' || answered === 'shutdown') {
    exchange.answer(503, {});
    const error = new RodeoError('RODEO_ERR_INIT_TIMEOUT', 'init did not answer in time');
    return end(answered === 'timeout' ? reasons.crash('init', error) : reasons.shutdown, undefined);
  }
  const decided = decideConnection(answered, request);
  if (decided.type === 'refuse') {
    exchange.answer(500, {});
    return end(decided.reason, decided.state);
  }
  if (decided.type === 'respond') {
    const failed = exchange.answer(decided.status, decided.headers, decided.body);
    return end(failed === undefined ? reasons.normal : reasons.crash('init', failed), undefined);
  }
  const plan = decided.plan;
  if (server.tracker.closing) {
    exchange.answer(503, {});
    return end(reasons.shutdown, plan.state);
  }
  const accepted = exchange.accept(server, plan, check.version);
  switch (accepted.type) {
    case 'gone':
      return end(accepted.reason, plan.state);
    case 'refused':
      exchange.answer(500, {});
      return end(reasons.crash('init', accepted.error), plan.state);
    case 'open':
      return startSession({
        handler,
        plan,
        transport: accepted.transport,
        version: check.version,
        httpVersion: exchange.httpVersion,
        server,
      });
  }
}

function nobodyElse(): boolean {
  return false;
}

/** `terminate` for connections that never reached the engine (no upgrade, or it failed). */
function terminateOutside(
  server: ServerContext,
  handler: Handler,
  reason: TerminateReason,
  req: UpgradeRequest,
  state: unknown,
): void {
  server.metrics.ended(reason, false);
  safeLog(
    server.logger,
    reason.type === 'crash' ? 'error' : 'debug',
    { reason, path: req.path },
    'no upgrade',
  );
  try {
    handler.terminate?.(reason, req, state);
  } catch (error) {
    safeLog(server.logger, 'error', { err: error, callback: 'terminate' }, 'terminate threw');
  }
}
