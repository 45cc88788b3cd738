import type { Duplex } from 'node:stream';
import type WebSocket from 'ws';
import type { ConnectionContext, WebSocketVersion } from '../handler/context.js';
import type { ConnectionEvent, ConnectionOutput, TerminalNotification } from '../handler/events.js';
import type { OutFrame } from '../handler/frames.js';
import type { AnyHandler } from '../handler/handler.js';
import { reasons } from '../handler/reasons.js';
import type { Request } from '../handler/request.js';
import { connection, type ErrorReporter } from '../operators/connection.js';
import { EngineInput } from './engineInput.js';
import { hibernateSoon, type Hibernating } from './hibernate.js';
import { safeLog, silentLogger } from './logger.js';
import { wsMessageLimits } from './limits.js';
import { ServerRef, type Mailbox } from './outlets.js';
import type { ServerContext } from './serverContext.js';
import type { TrackedConnection } from './shutdown.js';
import { forwardSocketEvents, type SocketEventSink } from './socketEvents.js';
import { Writer, type OverflowListener } from './writer.js';
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

/** Runs a connection until its socket closes (the session lives on in its listeners and tracker). */
export function startSession<S, I>(setup: SessionSetup<S, I>): void {
  new Session(setup);
}

/**
 * A connection's state, with every role it plays as a method rather than a closure: the ws and
 * socket listeners (`SocketEventSink`), the ref's mailbox and the registry's outlet (`Mailbox`),
 * the tracker's handle (`TrackedConnection`), the writer's overflow listener and the observer of
 * the engine's output (`next`). The engine's two hooks (`onError`, `onTerminate`) are the only
 * closures, and they hold nothing but the session. Only the server's own modules ever see it: handlers get
 * `ServerRef`, which keeps it private.
 */
class Session<S, I>
  implements SocketEventSink<I>, Mailbox<I>, TrackedConnection, OverflowListener, Hibernating
{
  readonly ws: WebSocket;
  readonly #socket: Duplex;
  readonly #server: ServerContext;
  readonly #input = new EngineInput<ConnectionEvent<I>>();
  readonly #ctx: ConnectionContext<I>;
  readonly #writer: Writer;
  maxFrameSize = 0;
  /** Set by the terminal notification: the engine is done. */
  ended = false;
  /** Set when terminate starts: from then on the mailbox refuses info. */
  #ending = false;
  #socketClosed = false;
  #endListeners: (() => void)[] | undefined;
  /** Made on demand by `whenClosed` (shutdown), resolved with the socket's close. */
  #closed: Promise<void> | undefined;
  #resolveClosed: (() => void) | undefined;

  /** Opens the connection: tracking, limits, the engine, then the socket's events. */
  constructor(setup: SessionSetup<S, I>) {
    const { ws, socket, server } = setup;
    this.ws = ws;
    this.#socket = socket;
    this.#server = server;
    this.#ctx = {
      ref: new ServerRef(server.connectionId(), this),
      compress: deflateParams(ws) !== undefined,
      version: setup.version,
      protocol: setup.protocol,
      req: setup.req,
    };
    this.#writer = new Writer(ws, socket, server.maxQueueBytes, server.metrics, this);
    server.tracker.add(this);
    server.metrics.opened();
    this.#log('debug', { path: setup.req.path, version: setup.version }, 'connection open');
    this.#setFrameLimit(setup.maxFrameSize);
    this.#input.events
      .pipe(
        connection(setup.handler, {
          state: setup.state,
          ctx: this.#ctx,
          idleTimeout: setup.idleTimeout,
          ...Session.#engineHooks(this),
        }),
      )
      .subscribe(this);
    // Subscribed first: websocketInit runs before any frame, and no event is lost.
    // Listeners go on even if websocketInit already stopped: they keep socket errors contained.
    forwardSocketEvents(ws, socket, this);
    if (socket.destroyed) this.socketClosed();
  }

  /** The engine's hooks, closing over the session only (not the constructor's scope). */
  static #engineHooks(session: Session<unknown, unknown>): {
    onError: ErrorReporter;
    onTerminate: () => void;
  } {
    return {
      onError: (err, callback) => session.#log('error', { err, callback }, 'handler error'),
      // From then on the mailbox refuses info: terminate may send to itself.
      onTerminate: () => (session.#ending = true),
    };
  }

  get #id(): string {
    return this.#ctx.ref.id;
  }

  // SocketEventSink

  get forwarding(): boolean {
    return !this.ended;
  }

  receive(event: ConnectionEvent<I>): void {
    if (event.type === 'frame') this.#server.metrics.frameIn();
    this.#input.push(event);
  }

  socketClosed(): void {
    if (this.#socketClosed) return;
    this.#socketClosed = true;
    this.#server.tracker.remove(this);
    this.#log('debug', {}, 'socket closed');
    this.#resolveClosed?.();
  }

  // Mailbox (behind ServerRef) and Outlet (registry)

  get closed(): boolean {
    return this.ended || this.#ending;
  }

  deliver(info: I): boolean {
    if (this.closed) return false;
    this.#input.push({ type: 'info', info });
    return true;
  }

  writeSerialized(buffers: readonly Buffer[], frame: OutFrame): boolean {
    return !this.ended && this.#writer.serialized(buffers, frame);
  }

  onEnd(listener: () => void): void {
    if (this.ended) listener();
    else (this.#endListeners ??= []).push(listener);
  }

  // TrackedConnection

  shutdown(): void {
    this.#input.push({ type: 'end', reason: reasons.shutdown });
  }

  destroy(): void {
    this.#socket.destroy();
  }

  whenClosed(): Promise<void> {
    if (this.#socketClosed) return Promise.resolve();
    return (this.#closed ??= new Promise((resolve) => (this.#resolveClosed = resolve)));
  }

  // OverflowListener, Hibernating

  onOverflow(): void {
    this.#input.push({ type: 'end', reason: reasons.backpressure });
  }

  whenIdle(listener: () => void): void {
    this.#writer.whenIdle(listener);
  }

  hibernated(contexts: number): void {
    this.#log('debug', { contexts }, 'hibernated');
  }

  // The engine's output: the one place commands reach the socket.

  next(output: ConnectionOutput): void {
    switch (output.type) {
      case 'text':
      case 'binary':
      case 'ping':
      case 'pong':
      case 'close':
        this.#writer.frame(output);
        break;
      case 'active':
        if (output.active) this.ws.resume();
        else this.ws.pause();
        break;
      case 'deflate':
        this.#writer.setCompress(output.deflate);
        break;
      case 'setOptions':
        if (output.options.maxFrameSize !== undefined) {
          this.#setFrameLimit(output.options.maxFrameSize);
        }
        break;
      case 'hibernate':
        hibernateSoon(this);
        break;
      case 'shutdownReason':
        break;
      case 'terminal':
        this.#finish(output);
        break;
    }
  }

  #log(level: 'debug' | 'warn' | 'error', fields: object, message: string): void {
    // The default logger is silent: build no log record per connection for it.
    if (this.#server.logger === silentLogger) return;
    safeLog(this.#server.logger, level, { id: this.#id, ...fields }, message);
  }

  #finish(terminal: TerminalNotification): void {
    this.ended = true;
    this.#server.metrics.ended(terminal.reason, true);
    const level = terminal.reason.type === 'crash' ? 'warn' : 'debug';
    this.#log(level, { reason: terminal.reason }, 'connection terminated');
    const listeners = this.#endListeners;
    this.#endListeners = undefined;
    for (const listener of listeners ?? []) listener();
    // A paused socket could never read the peer's close reply: read again to finish the handshake.
    if (this.ws.isPaused) this.ws.resume();
    // Without a close handshake to wait for (socket error, peer vanished), release the socket now.
    if (terminal.reason.type === 'error' && closesAtOnce(terminal.reason.error)) {
      this.ws.terminate();
    }
  }

  #setFrameLimit(limit: number): void {
    this.maxFrameSize = limit;
    setMessageLimits(
      this.ws,
      wsMessageLimits(limit, this.#ctx.compress, this.#server.maxFragments),
    );
  }
}

function closesAtOnce(error: string): boolean {
  return error === 'closed' || error === 'other';
}
