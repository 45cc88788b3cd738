import type { Duplex } from 'node:stream';
import { Subject } from 'rxjs';
import type WebSocket from 'ws';
import type { ConnectionContext, ConnectionRef, WebSocketVersion } from '../handler/context.js';
import type { ConnectionEvent, ConnectionOutput, TerminalNotification } from '../handler/events.js';
import { isPipelineHandler, type AnyHandler, type Handler } from '../handler/handler.js';
import { reasons, type TerminateReason } from '../handler/reasons.js';
import type { Request } from '../handler/request.js';
import { connection } from '../operators/connection.js';
import { hibernateSoon } from './hibernate.js';
import { safeLog } from './logger.js';
import { compressedBound, fragmentLimit, wsSize } from './limits.js';
import { registerOutlet } from './outlets.js';
import type { ServerContext } from './serverContext.js';
import type { TrackedConnection } from './shutdown.js';
import { socketEvents } from './socketEvents.js';
import { createWriter } from './writer.js';
import { deflateParams, setMessageLimits } from './wsInternals.js';

/**
 * One upgraded connection: socket events and the mailbox in, the engine in the middle, the
 * writer out. This is the "one loop that applies commands" of STYLE.md: handlers never touch the
 * socket.
 */

/** Everything known once the upgrade succeeded. */
export interface SessionSetup<S, I> {
  readonly handler: AnyHandler<S, I>;
  readonly state: S;
  readonly ws: WebSocket;
  readonly socket: Duplex;
  readonly req: Request;
  readonly version: WebSocketVersion;
  readonly protocol: string | null;
  readonly idleTimeout: number;
  /** The message size limit `init` chose (bytes, or `Infinity`). */
  readonly maxFrameSize: number;
  readonly server: ServerContext;
}

let nextId = 0;

/** Runs a connection until its socket closes. */
export function startSession<S, I>(setup: SessionSetup<S, I>): void {
  const { ws, socket, server } = setup;
  const { metrics, logger } = server;
  const id = `c${++nextId}`;
  const input = new Subject<ConnectionEvent<I>>();
  const endListeners: (() => void)[] = [];
  let ended = false;
  let detach = (): void => undefined;
  const push = (event: ConnectionEvent<I>): void => input.next(event);

  // Set when terminate starts: from then on the mailbox refuses info (terminate may send to itself).
  let ending = false;
  const ref: ConnectionRef<I> = {
    id,
    send(info) {
      if (ended || ending) return false;
      push({ type: 'info', info });
      return true;
    },
    get closed() {
      return ended || ending;
    },
  };
  const ctx: ConnectionContext<I> = {
    ref,
    compress: deflateParams(ws) !== undefined,
    version: setup.version,
    protocol: setup.protocol,
    req: setup.req,
  };
  const writer = createWriter({
    ws,
    socket,
    maxQueueBytes: server.maxQueueBytes,
    metrics,
    onOverflow: () => push({ type: 'end', reason: reasons.backpressure }),
  });
  registerOutlet(ref as ConnectionRef<unknown>, {
    writeSerialized: (buffers, frame) => !ended && writer.serialized(buffers, frame),
    onEnd: (listener) => (ended ? listener() : endListeners.push(listener)),
  });

  const tracked: TrackedConnection = {
    shutdown: () => push({ type: 'end', reason: reasons.shutdown }),
    destroy: () => socket.destroy(),
    closed: new Promise((resolve) => {
      if (socket.destroyed) resolve();
      else socket.once('close', () => resolve());
    }),
  };
  server.tracker.add(tracked);
  void tracked.closed.then(() => {
    server.tracker.remove(tracked);
    safeLog(logger, 'debug', { id }, 'socket closed');
  });
  metrics.opened();
  safeLog(logger, 'debug', { id, path: setup.req.path, version: setup.version }, 'connection open');

  const finish = (terminal: TerminalNotification): void => {
    ended = true;
    detach();
    metrics.ended(terminal.reason, true);
    const level = terminal.reason.type === 'crash' ? 'warn' : 'debug';
    safeLog(logger, level, { id, reason: terminal.reason }, 'connection terminated');
    for (const listener of endListeners.splice(0)) listener();
    // A paused socket could never read the peer's close reply: read again to finish the handshake.
    if (ws.isPaused) ws.resume();
    // Without a close handshake to wait for (socket error, peer vanished), release the socket now.
    if (terminal.reason.type === 'error' && closesAtOnce(terminal.reason.error)) ws.terminate();
  };

  const apply = (output: ConnectionOutput): void => {
    switch (output.type) {
      case 'text':
      case 'binary':
      case 'ping':
      case 'pong':
      case 'close':
        writer.frame(output);
        break;
      case 'active':
        if (output.active) ws.resume();
        else ws.pause();
        break;
      case 'deflate':
        writer.setCompress(output.deflate);
        break;
      case 'setOptions':
        if (output.options.maxFrameSize !== undefined) setFrameLimit(output.options.maxFrameSize);
        break;
      case 'hibernate':
        hibernateSoon(
          ws,
          writer.whenIdle,
          () => ended,
          (contexts) => safeLog(logger, 'debug', { id, contexts }, 'hibernated'),
        );
        break;
      case 'shutdownReason':
        break;
      case 'terminal':
        finish(output);
        break;
    }
  };

  const setFrameLimit = (limit: number): void => {
    maxFrameSize = limit;
    const fragments = server.maxFragments ?? fragmentLimit(limit);
    // With deflate, a full-size message may be a little larger on the wire than inflated.
    const wire = ctx.compress ? compressedBound(limit) : limit;
    setMessageLimits(ws, {
      wirePayload: wsSize(wire),
      message: wsSize(limit),
      fragments: wsSize(fragments),
    });
  };
  let maxFrameSize = setup.maxFrameSize;
  setFrameLimit(maxFrameSize);

  input
    .pipe(
      connection(
        markEnding(setup.handler, () => (ending = true)),
        {
          state: setup.state,
          ctx,
          idleTimeout: setup.idleTimeout,
          onError: (error, where) =>
            safeLog(logger, 'error', { id, err: error, callback: where }, 'handler error'),
        },
      ),
    )
    .subscribe(apply);
  // Subscribed first: websocketInit runs before any frame, and no event is lost to the Subject.
  // Listeners go on even if websocketInit already stopped: they keep socket errors contained.
  const stopForwarding = socketEvents<I>(
    ws,
    socket,
    () => maxFrameSize,
    (event) => {
      if (event.type === 'frame') metrics.frameIn();
      push(event);
    },
  );
  if (ended) stopForwarding();
  else detach = stopForwarding;
}

/**
 * The same handler, with `onEnding` called just before its `terminate`. Methods are bound rather
 * than spread, so class-based handlers keep their `this`.
 */
function markEnding<S, I>(handler: AnyHandler<S, I>, onEnding: () => void): AnyHandler<S, I> {
  const terminate = (reason: TerminateReason, req: Request, state: S): void => {
    onEnding();
    handler.terminate?.(reason, req, state);
  };
  if (isPipelineHandler(handler)) {
    return {
      init: handler.init.bind(handler),
      pipeline: handler.pipeline.bind(handler),
      terminate,
    };
  }
  const wrapped: Handler<S, I> = {
    init: handler.init.bind(handler),
    websocketHandle: handler.websocketHandle.bind(handler),
    websocketInfo: handler.websocketInfo.bind(handler),
    terminate,
  };
  return handler.websocketInit === undefined
    ? wrapped
    : { ...wrapped, websocketInit: handler.websocketInit.bind(handler) };
}

function closesAtOnce(error: string): boolean {
  return error === 'closed' || error === 'other';
}
