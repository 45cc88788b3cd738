import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { RodeoError } from '../handler/errors.js';
import type { AnyHandler } from '../handler/handler.js';
import { reasons, type TerminateReason } from '../handler/reasons.js';
import type { UpgradeRequest } from '../handler/request.js';
import { decideConnection, startInit, type InitDecision } from '../operators/init.js';
import { checkHandshake, writeHttpResponse, type HandshakeCheck } from './handshake.js';
import { safeLog } from './logger.js';
import { parseTarget, requestSnapshot } from './requestSnapshot.js';
import type { ServerContext } from './serverContext.js';
import { startSession } from './session.js';
import type { InitGivenUp } from './shutdown.js';
import { acceptWithWs } from './ws/wsUpgrade.js';

/**
 * The upgrade path (docs/semantics.md, "Upgrade"): route → handshake checks → `init` (bounded by
 * `initTimeout`) → either a plain HTTP answer (`normal`) or the 101 with the options `init` chose,
 * then a session on a ws transport. Every path ends in exactly one `terminate` once `init` has been
 * called, and none lets an error escape to the process.
 */

type Handler = AnyHandler<unknown, unknown>;

/**
 * Handles one `upgrade` event. Never throws and never rejects: failures become HTTP answers,
 * `terminate` calls and log entries. A path without a route gets 404, unless `othersListen` says
 * another `upgrade` listener (e.g. Socket.IO on the same server) may want it.
 */
export async function handleUpgrade(
  server: ServerContext,
  req: IncomingMessage,
  socket: Duplex,
  head: Buffer,
  othersListen: () => boolean = nobodyElse,
): Promise<void> {
  const target = parseTarget(req.url ?? '/');
  const route = server.routes.match(target.path);
  if (route === undefined && othersListen()) return;
  // Until ws takes the socket over, a reset must not become an unhandled 'error' event.
  socket.on('error', ignoreEarlyError);
  try {
    if (route === undefined) return writeHttpResponse(socket, 404, {});
    const check = checkHandshake(req);
    if (check.type === 'reject') return writeHttpResponse(socket, check.status, check.headers);
    if (server.tracker.closing) return writeHttpResponse(socket, 503, {});
    const request = requestSnapshot(req, route.params, req.headers, target);
    const started = startInit(route.handler, request);
    // A synchronous init goes on in the same tick; only an init in flight is waited for (bounded).
    const answered =
      started instanceof Promise
        ? await server.tracker.pending(started, server.initTimeout)
        : started;
    upgradeOrAnswer(server, route.handler, req, socket, head, check, request, answered);
  } catch (error) {
    // Only a bug in rodeo gets here; contain it to this socket.
    safeLog(server.logger, 'error', { err: error }, 'upgrade failed');
    socket.destroy();
  }
}

function upgradeOrAnswer(
  server: ServerContext,
  handler: Handler,
  req: IncomingMessage,
  socket: Duplex,
  head: Buffer,
  check: HandshakeCheck & { readonly type: 'accept' },
  request: UpgradeRequest,
  answered: InitDecision | InitGivenUp,
): void {
  const end = (reason: TerminateReason, state: unknown): void =>
    terminateOutside(server, handler, reason, request, state);
  if (answered === 'timeout' || answered === 'shutdown') {
    writeHttpResponse(socket, 503, {});
    const error = new RodeoError('RODEO_ERR_INIT_TIMEOUT', 'init did not answer in time');
    return end(answered === 'timeout' ? reasons.crash('init', error) : reasons.shutdown, undefined);
  }
  const decided = decideConnection(answered, request);
  if (decided.type === 'refuse') {
    writeHttpResponse(socket, 500, {});
    return end(decided.reason, decided.state);
  }
  if (decided.type === 'respond') {
    writeHttpResponse(socket, decided.status, decided.headers, decided.body);
    return end(reasons.normal, undefined);
  }
  const plan = decided.plan;
  if (server.tracker.closing) {
    writeHttpResponse(socket, 503, {});
    return end(reasons.shutdown, plan.state);
  }
  const transport = acceptWithWs(server, req, socket, head, plan, check.version);
  if (transport === undefined) {
    socket.destroy();
    return end(reasons.error('closed'), plan.state);
  }
  socket.off('error', ignoreEarlyError);
  startSession({ handler, plan, transport, version: check.version, server });
}

function nobodyElse(): boolean {
  return false;
}

function ignoreEarlyError(): void {
  // The upgrade path writes its answer (or gives up) on its own; the error needs no handling here.
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
