import { asyncScheduler } from 'rxjs';
import type { ConnectionContext, WebSocketVersion } from '../handler/context.js';
import type { TerminalNotification } from '../handler/events.js';
import type { InFrame, OutFrame } from '../handler/frames.js';
import type { AnyHandler } from '../handler/handler.js';
import { reasons, type TerminateReason } from '../handler/reasons.js';
import type { HttpVersion } from '../handler/request.js';
import { Engine, type ErrorReporter } from '../operators/engine.js';
import type { ConnectionPlan } from '../operators/plan.js';
import type { EnginePort, SendOutcome } from '../operators/port.js';
import { safeLog, silentLogger } from './logger.js';
import { ServerRef, type Mailbox } from './outlets.js';
import type { ServerContext } from './serverContext.js';
import type { TrackedConnection } from './shutdown.js';
import type { SerializedFrame, Transport, TransportSink } from './transport.js';

/**
 * One upgraded connection: the engine between a transport and the server's shared parts. The
 * engine decides (commands, lifecycle, limits); the session carries its decisions to the
 * transport, counts them in the metrics, logs, and ties the connection into the registry (its
 * ref) and the shutdown tracker. It knows the transport only through the port (`Transport`).
 */

/** Everything known once the upgrade succeeded. */
export interface SessionSetup<S, I> {
  readonly handler: AnyHandler<S, I>;
  readonly plan: ConnectionPlan<S>;
  readonly transport: Transport;
  readonly version: WebSocketVersion;
  /** What carried the handshake (and now carries the frames): counted and logged per connection. */
  readonly httpVersion: HttpVersion;
  readonly server: ServerContext;
}

/** Runs a connection until its transport is released (it lives on in listeners and the tracker). */
export function startSession<S, I>(setup: SessionSetup<S, I>): void {
  new Session(setup);
}

/**
 * A connection's glue, every role a method rather than a closure: the engine's port
 * (`EnginePort`), the transport's sink (`TransportSink`), the ref's mailbox and the registry's
 * outlet (`Mailbox`), the tracker's handle (`TrackedConnection`). Handlers get `ServerRef`,
 * which keeps it private.
 */
class Session<S, I> implements EnginePort, TransportSink, Mailbox<I>, TrackedConnection {
  readonly #engine: Engine<S, I>;
  readonly #transport: Transport;
  readonly #server: ServerContext;
  readonly #id: string;
  #released = false;
  #endListeners: (() => void)[] | undefined;
  /** Made on demand by `whenClosed` (shutdown), resolved once the transport is released. */
  #closed: Promise<void> | undefined;
  #resolveClosed: (() => void) | undefined;

  constructor(setup: SessionSetup<S, I>) {
    const { plan, transport, server } = setup;
    this.#transport = transport;
    this.#server = server;
    this.#id = server.connectionId();
    const ctx: ConnectionContext<I> = {
      ref: new ServerRef(this.#id, this),
      compress: transport.compressed,
      version: setup.version,
      protocol: plan.protocol,
      req: plan.req,
    };
    this.#engine = new Engine(
      setup.handler,
      {
        state: plan.state,
        ctx,
        idleTimeout: plan.idleTimeout,
        keepalive: plan.keepalive,
        readHighWater: plan.readHighWater,
        mailboxLimit: plan.mailboxLimit,
        mailboxOverflow: plan.mailboxOverflow,
        scheduler: asyncScheduler,
        wakeQueue: server.wakeQueue,
        report: Session.#reporter(this),
      },
      this,
    );
    server.tracker.add(this);
    server.metrics.opened(setup.httpVersion);
    this.#log(
      'debug',
      { path: plan.req.path, version: setup.version, http: setup.httpVersion },
      'connection open',
    );
    // websocketInit runs before any frame is read; the transport reports from then on (its
    // listeners stay even if websocketInit already stopped: they keep socket errors contained).
    this.#engine.start();
    transport.listen(this);
  }

  /** The engine's error reporter, closing over the session only. */
  static #reporter(session: Session<unknown, unknown>): ErrorReporter {
    return (err, callback) => session.#log('error', { err, callback }, 'handler error');
  }

  // EnginePort: the engine's decisions, carried to the transport.

  send(frames: readonly OutFrame[]): SendOutcome {
    const outcome = this.#transport.send(frames);
    this.#server.metrics.framesSent(frames.length);
    return outcome;
  }

  reading(on: boolean): void {
    this.#transport.setReading(on);
  }

  compression(on: boolean): void {
    this.#transport.setCompression(on);
  }

  maxFrameSize(bytes: number): void {
    this.#transport.setMaxMessageSize(bytes);
  }

  hibernate(): void {
    this.#transport.hibernate((released) =>
      this.#log('debug', { contexts: released }, 'hibernated'),
    );
  }

  queued(delta: number, length: number): void {
    this.#server.metrics.mailbox(delta, length);
  }

  infoDropped(): void {
    this.#server.metrics.infoDropped();
  }

  terminated(terminal: TerminalNotification): void {
    this.#server.metrics.ended(terminal.reason, true);
    const level = terminal.reason.type === 'crash' ? 'warn' : 'debug';
    this.#log(level, { reason: terminal.reason }, 'connection terminated');
    const listeners = this.#endListeners;
    this.#endListeners = undefined;
    for (const listener of listeners ?? []) listener();
    this.#transport.finish(abrupt(terminal.reason));
  }

  // TransportSink: what the peer did, into the engine.

  get forwarding(): boolean {
    return this.#engine.phase === 'open';
  }

  readStarted(): void {
    this.#engine.readStarted();
  }

  frame(frame: InFrame): void {
    this.#server.metrics.frameIn();
    this.#engine.next({ type: 'frame', frame });
  }

  end(reason: TerminateReason): void {
    this.#engine.end(reason);
  }

  released(): void {
    if (this.#released) return;
    this.#released = true;
    this.#server.tracker.remove(this);
    this.#log('debug', {}, 'socket closed');
    this.#resolveClosed?.();
  }

  // Mailbox (behind ServerRef) and Outlet (registry)

  get closed(): boolean {
    return this.#engine.phase !== 'open';
  }

  deliver(info: I): boolean {
    return this.#engine.offer(info);
  }

  writeSerialized(frame: SerializedFrame): boolean {
    if (this.#engine.phase !== 'open') return false;
    const outcome = this.#transport.sendSerialized(frame);
    if (outcome === 'sent') {
      this.#server.metrics.framesSent(1);
      return true;
    }
    // A member too slow for a broadcast ends as if its own reply had overflowed (1008), but after
    // the broadcast: ending it now would run its `terminate` (which may broadcast in turn) in the
    // middle of another connection's callback, or of its own.
    if (outcome === 'overflow') process.nextTick(endForBackpressure, this.#engine);
    return false;
  }

  onEnd(listener: () => void): void {
    if (this.#engine.phase === 'ended') listener();
    else (this.#endListeners ??= []).push(listener);
  }

  // TrackedConnection

  shutdown(): void {
    this.#engine.end(reasons.shutdown);
  }

  destroy(): void {
    this.#transport.destroy();
  }

  whenClosed(): Promise<void> {
    if (this.#released) return Promise.resolve();
    return (this.#closed ??= new Promise((resolve) => (this.#resolveClosed = resolve)));
  }

  #log(level: 'debug' | 'warn' | 'error', fields: object, message: string): void {
    // The default logger is silent: build no log record per connection for it.
    if (this.#server.logger === silentLogger) return;
    safeLog(this.#server.logger, level, { id: this.#id, ...fields }, message);
  }
}

/** Ends a connection whose outbound queue refused a broadcast (a no-op if it already ended). */
function endForBackpressure(engine: Engine<unknown, unknown>): void {
  engine.end(reasons.backpressure);
}

/** Without a close handshake to wait for (socket error, peer vanished), release at once. */
function abrupt(reason: TerminateReason): boolean {
  return reason.type === 'error' && (reason.error === 'closed' || reason.error === 'other');
}
