import { validateHeaderName, validateHeaderValue, type IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type WebSocket from 'ws';
import { RodeoError } from '../handler/errors.js';
import type { AnyHandler, UpgradeOptions } from '../handler/handler.js';
import { reasons, type TerminateReason } from '../handler/reasons.js';
import type { Request } from '../handler/request.js';
import { DEFAULT_IDLE_TIMEOUT } from '../operators/connection.js';
import { checkHandshake, checkResponse, writeHttpResponse } from './handshake.js';
import {
  DEFAULT_MAX_FRAME_SIZE,
  checkDuration,
  checkSize,
  fragmentLimit,
  wsSize,
} from './limits.js';
import { safeLog } from './logger.js';
import { parseTarget, requestSnapshot } from './requestSnapshot.js';
import type { ServerContext } from './serverContext.js';
import { startSession } from './session.js';
import { startInit } from './runInit.js';
import { acceptsDeflateOffer, checkDeflateOptions } from './wsServers.js';
import { failFastOnInvalidUtf8, fragmentFloodIsTooBig } from './wsInternals.js';

/**
 * The upgrade path: route → handshake checks → `init` → either a plain HTTP answer
 * (`normal`) or ws's 101 with the options `init` chose, then a session. Every path ends in exactly
 * one `terminate` once `init` has been called, and none lets an error escape to the process.
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
    // A synchronous init goes on in the same tick; only an init in flight is tracked for close().
    const decided = started instanceof Promise ? await server.tracker.pending(started) : started;
    const end = (reason: TerminateReason, state: unknown): void =>
      terminateOutside(server, route.handler, reason, request, state);
    if (decided.type === 'failed') {
      writeHttpResponse(socket, 500, {});
      return end(reasons.crash('init', decided.error), undefined);
    }
    const result = decided.result;
    if (result.type === 'respond') {
      try {
        checkResponse(result.status, result.headers);
      } catch (error) {
        writeHttpResponse(socket, 500, {});
        return end(reasons.crash('init', error), undefined);
      }
      writeHttpResponse(socket, result.status, result.headers, result.body);
      return end(reasons.normal, undefined);
    }
    if (server.tracker.closing) {
      writeHttpResponse(socket, 503, {});
      return end(reasons.shutdown, result.state);
    }
    let plan: UpgradePlan;
    try {
      plan = planUpgrade(req, request, result.options, server);
    } catch (error) {
      writeHttpResponse(socket, 500, {});
      return end(reasons.crash('init', error), result.state);
    }
    // ws only speaks 8 and 13; 7 has the same handshake and framing (RFC 6455 drafts 07–17).
    if (check.version === 7) req.headers['sec-websocket-version'] = '13';
    server.pool.extras(req, { protocol: plan.protocol, headers: plan.headers });
    let upgraded = false;
    server.pool.get(plan.wsOptions).handleUpgrade(req, socket, head, (ws: WebSocket) => {
      upgraded = true;
      socket.off('error', ignoreEarlyError);
      fragmentFloodIsTooBig(ws);
      failFastOnInvalidUtf8(ws);
      startSession({
        handler: route.handler,
        state: result.state,
        ws,
        socket,
        req: plan.req,
        version: check.version,
        protocol: plan.protocol ?? null,
        idleTimeout: plan.idleTimeout,
        maxFrameSize: plan.maxFrameSize,
        server,
      });
    });
    // ws gave up (the peer left during init, or a header ws refuses): no connection was made.
    if (!upgraded) {
      socket.destroy();
      end(reasons.error('closed'), result.state);
    }
  } catch (error) {
    // Only a bug in rodeo gets here; contain it to this socket.
    safeLog(server.logger, 'error', { err: error }, 'upgrade failed');
    socket.destroy();
  }
}

function nobodyElse(): boolean {
  return false;
}

function ignoreEarlyError(): void {
  // The upgrade path writes its answer (or gives up) on its own; the error needs no handling here.
}

interface UpgradePlan {
  readonly req: Request;
  readonly protocol: string | undefined;
  readonly headers: readonly string[];
  readonly idleTimeout: number;
  readonly maxFrameSize: number;
  readonly wsOptions: {
    readonly compress: false | Exclude<UpgradeOptions['compress'] & object, boolean>;
    readonly maxPayload: number;
    readonly maxFragments: number;
    readonly validateUtf8: boolean;
  };
}

/** Checks `init`'s options; any problem is init's error (HTTP 500, `crash`). */
function planUpgrade(
  nodeReq: IncomingMessage,
  request: Request,
  options: UpgradeOptions,
  server: ServerContext,
): UpgradePlan {
  const code = 'RODEO_ERR_INVALID_UPGRADE';
  const idleTimeout = checkDuration(
    code,
    'idleTimeout',
    options.idleTimeout ?? DEFAULT_IDLE_TIMEOUT,
  );
  const maxFrameSize = checkSize(
    code,
    'maxFrameSize',
    options.maxFrameSize ?? DEFAULT_MAX_FRAME_SIZE,
  );
  const deflate = options.compress === true ? {} : options.compress || undefined;
  if (deflate !== undefined) checkDeflateOptions(deflate);
  const compress = deflate !== undefined && acceptsDeflateOffer(nodeReq, deflate) ? deflate : false;
  const protocol = options.protocol;
  if (protocol !== undefined && !offered(request, protocol)) {
    throw new RodeoError(code, `subprotocol "${protocol}" was not offered by the peer`);
  }
  const headers: string[] = [];
  for (const [name, value] of Object.entries(options.headers ?? {})) {
    if (value === undefined) continue;
    for (const one of Array.isArray(value) ? value : [value]) {
      validateHeaderName(name);
      validateHeaderValue(name, one);
      headers.push(`${name}: ${String(one)}`);
    }
  }
  const req = options.reqFilter === undefined ? request : options.reqFilter(request);
  const maxFragments = server.maxFragments ?? fragmentLimit(maxFrameSize);
  return {
    req,
    protocol,
    headers,
    idleTimeout,
    maxFrameSize,
    wsOptions: {
      compress,
      maxPayload: wsSize(maxFrameSize),
      maxFragments: wsSize(maxFragments),
      validateUtf8: options.validateUtf8 ?? true,
    },
  };
}

function offered(request: Request, protocol: string): boolean {
  const header = request.headers['sec-websocket-protocol'];
  const joined = typeof header === 'string' ? header : (header ?? []).join(',');
  return joined.split(',').some((one) => one.trim() === protocol);
}

/** `terminate` for connections that never reached the engine (no upgrade, or it failed). */
function terminateOutside(
  server: ServerContext,
  handler: Handler,
  reason: TerminateReason,
  req: Request,
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
