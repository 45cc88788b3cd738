import type { Observer } from 'rxjs';
import type { Command } from '../handler/commands.js';
import type { ConnectionContext } from '../handler/context.js';
import type { ConnectionEvent } from '../handler/events.js';
import { close, ping, type OutFrame } from '../handler/frames.js';
import { isPipelineHandler, type AnyHandler } from '../handler/handler.js';
import {
  closeCodeFor,
  reasons,
  type CallbackName,
  type TerminateReason,
} from '../handler/reasons.js';
import type { CallResult } from '../handler/results.js';
import { commandsOf, hibernates } from './callResults.js';
import { ownsClose, terminalOf } from './endRules.js';
import { CallbackRunner } from './callbackRunner.js';
import { IdleClock, WakeQueue, type IdleClockOwner } from './idleClock.js';
import type {
  ConnectionPhase,
  EngineSetup,
  ErrorReporter,
  HandlerRunner,
} from './handlerRunner.js';
import { PipelineRunner } from './pipelineRunner.js';
import type { EnginePort } from './port.js';

export type {
  ConnectionPhase,
  EngineSetup,
  ErrorReporter,
  HandlerRunner,
} from './handlerRunner.js';

const PING_FRAME = ping();

/**
 * The one per-connection engine, for callback and pipeline handlers alike. It owns the lifecycle —
 * the idle clock and keepalive pings, end events preempting the handler, the close frame the
 * server owes, `terminate` then the terminal notification exactly once — and interprets every
 * command in one place (`#apply`); a `HandlerRunner` supplies the handler's results or commands.
 *
 * The engine is its own input observer (`next`, `error`, `complete`): `connection()` subscribes it
 * to an Observable of events, the server calls it directly.
 */
export class Engine<S, I> implements Observer<ConnectionEvent<I>>, IdleClockOwner {
  phase: ConnectionPhase = 'connecting';
  readonly #handler: AnyHandler<S, I>;
  readonly #ctx: ConnectionContext<I>;
  readonly #report: ErrorReporter;
  readonly #port: EnginePort;
  readonly #clock: IdleClock;
  readonly #runner: HandlerRunner<S, I>;
  /** Events that arrived before the handler started (and while it starts), replayed in order. */
  #early: (ConnectionEvent<I> | InputFailure)[] | null = [];
  #readingWanted = true;
  #mailboxFull = false;
  #shutdownReason: { readonly value: unknown } | undefined;
  /** Whether the input reports its reads (`readStarted`), each of which is activity. */
  #readsReported = false;

  constructor(handler: AnyHandler<S, I>, setup: EngineSetup<S, I>, port: EnginePort) {
    this.#handler = handler;
    this.#ctx = setup.ctx;
    this.#report = setup.report;
    this.#port = port;
    this.#clock = new IdleClock(setup.wakeQueue ?? new WakeQueue(setup.scheduler), this);
    this.#clock.set(setup.idleTimeout, setup.keepalive);
    this.#runner = isPipelineHandler(handler)
      ? new PipelineRunner(handler, setup, this)
      : new CallbackRunner(handler, setup, this);
  }

  /** Starts the handler (`websocketInit`, or the pipeline), then replays what arrived meanwhile. */
  start(): void {
    if (this.phase !== 'connecting') return;
    this.phase = 'open';
    this.#runner.start();
    const early = this.#early ?? [];
    this.#early = null;
    for (let i = 0; i < early.length && this.phase === 'open'; i++) {
      const event = early[i] as ConnectionEvent<I> | InputFailure;
      if (event instanceof InputFailure) this.error(event.error);
      else this.next(event);
    }
  }

  /** One input event: a frame (activity), an info, or an end that preempts everything waiting. */
  next(event: ConnectionEvent<I>): void {
    if (this.#early !== null) {
      if (event.type === 'frame') this.#clock.touch();
      if (this.phase === 'connecting' || this.phase === 'open') this.#early.push(event);
      return;
    }
    if (this.phase !== 'open') return;
    switch (event.type) {
      case 'frame':
        // Its read already counted as activity, if the transport reports reads (the server's do).
        if (!this.#readsReported) this.#clock.touch();
        this.#runner.message(event);
        break;
      case 'info':
        this.#runner.offer(event.info);
        break;
      case 'end':
        this.end(event.reason);
        break;
    }
  }

  /** The input failed: a crash of the pipeline that feeds it. */
  error(error: unknown): void {
    if (this.#early !== null) this.#early.push(new InputFailure(error));
    else this.crash('pipeline', error);
  }

  /** The input completed without an end event: the transport went away. */
  complete(): void {
    this.next({ type: 'end', reason: reasons.error('closed') });
  }

  /** `ref.send`: `false` once the connection is ending, or when a full mailbox refuses it. */
  offer(info: I): boolean {
    if (this.#early !== null) {
      if (this.phase !== 'connecting' && this.phase !== 'open') return false;
      this.#early.push({ type: 'info', info });
      return true;
    }
    return this.phase === 'open' && this.#runner.offer(info);
  }

  /**
   * The transport started a new read. Bytes arrived, which is activity for the idle clock even
   * when they are only part of a message (as in Cowboy, which resets its idle timer on any data),
   * so a large message arriving slowly is not cut off in the middle; and the mailbox starts a new
   * slice, so the frames one read carries are handled at most a slice at a time.
   */
  readStarted(): void {
    this.#readsReported = true;
    if (this.phase !== 'open') return;
    this.#clock.touch();
    this.#runner.readStarted();
  }

  /** The consumer left first: the connection ends with `error closed`, without a terminal. */
  dispose(): void {
    if (this.phase === 'closing' || this.phase === 'ended') return;
    this.phase = 'closing';
    this.#stop();
    this.#terminate(reasons.error('closed'));
    this.phase = 'ended';
  }

  /** Applies a settled result: its commands, then hibernation. `false` if it ended the connection. */
  applyResult(result: CallResult<S>): boolean {
    this.applyCommands(commandsOf(result));
    if (this.phase !== 'open') return false;
    if (hibernates(result)) this.#port.hibernate();
    return true;
  }

  /**
   * Interprets commands in order (Cowboy's `commands/3`): runs of frames go to the port together,
   * a close frame is the last thing sent and stops the connection, every other command has exactly
   * one case in `#apply`.
   */
  applyCommands(list: readonly Command[]): void {
    if (this.phase !== 'open') return;
    let run = -1;
    for (let i = 0; i < list.length; i++) {
      const command = list[i] as Command;
      if (isFrame(command)) {
        if (run < 0) run = i;
        if (command.type !== 'close') continue;
        if (this.#send(list, run, i + 1)) this.end(reasons.stop);
        return;
      }
      if (run >= 0 && !this.#send(list, run, i)) return;
      run = -1;
      this.#apply(command);
      if (this.phase !== 'open') return;
    }
    if (run >= 0) this.#send(list, run, list.length);
  }

  /** A callback (or the pipeline) failed: the connection ends with `crash` (1011). */
  crash(callback: CallbackName, error: unknown): void {
    if (this.phase !== 'open') return;
    this.#report(error, callback);
    this.end(reasons.crash(callback, error));
  }

  /** Ends the connection: the close frame the server owes, `terminate`, the terminal — once. */
  end(reason: TerminateReason): void {
    if (this.phase !== 'open' && this.phase !== 'connecting') return;
    this.phase = 'closing';
    this.#stop();
    const code = ownsClose(reason) ? closeCodeFor(reason) : null;
    if (code !== null) this.#port.send([close(code)]);
    this.#terminate(reason);
    this.phase = 'ended';
    this.#port.terminated(terminalOf(reason, this.#shutdownReason));
  }

  /** The mailbox passed (`true`) or fell back under (`false`) its high-water mark. */
  mailboxFull(full: boolean): void {
    const before = this.#readingWanted && !this.#mailboxFull;
    this.#mailboxFull = full;
    this.#updateReading(before);
  }

  /** The mailbox changed (see `EnginePort.queued`). */
  queued(delta: number, length: number): void {
    this.#port.queued(delta, length);
  }

  /** An info was refused by a full mailbox. */
  infoDropped(): void {
    this.#port.infoDropped();
  }

  idleTimedOut(): void {
    this.end(reasons.timeout);
  }

  keepaliveDue(): void {
    if (this.phase === 'open') this.#send([PING_FRAME], 0, 1);
  }

  #apply(command: Exclude<Command, OutFrame>): void {
    switch (command.type) {
      case 'active': {
        const before = this.#readingWanted && !this.#mailboxFull;
        this.#readingWanted = command.active;
        this.#updateReading(before);
        break;
      }
      case 'deflate':
        this.#port.compression(command.deflate);
        break;
      case 'setOptions': {
        const { idleTimeout, keepalive, maxFrameSize } = command.options;
        if (idleTimeout !== undefined || keepalive !== undefined) {
          const clock = this.#clock;
          clock.set(idleTimeout ?? clock.timeout, keepalive ?? clock.keepalive);
        }
        if (maxFrameSize !== undefined) this.#port.maxFrameSize(maxFrameSize);
        break;
      }
      case 'shutdownReason':
        this.#shutdownReason = { value: command.reason };
        break;
    }
  }

  /** Sends `list[from..to)` (all frames); `false` if that ended the connection. */
  #send(list: readonly Command[], from: number, to: number): boolean {
    const frames = (from === 0 && to === list.length ? list : list.slice(from, to)) as OutFrame[];
    if (this.#port.send(frames) === 'overflow') this.end(reasons.backpressure);
    // A write may also have ended the connection on its own (the socket failed).
    return this.phase === 'open';
  }

  #updateReading(before: boolean): void {
    const now = this.#readingWanted && !this.#mailboxFull;
    if (now !== before) this.#port.reading(now);
  }

  #stop(): void {
    this.#clock.stop();
    this.#runner.stop();
    this.#early = null;
  }

  #terminate(reason: TerminateReason): void {
    try {
      this.#handler.terminate?.(reason, this.#ctx.req, this.#runner.state);
    } catch (error) {
      this.#report(error, 'terminate');
    }
  }
}

/** An error of the input that arrived before the handler started. */
class InputFailure {
  constructor(readonly error: unknown) {}
}

function isFrame(command: Command): command is OutFrame {
  switch (command.type) {
    case 'text':
    case 'binary':
    case 'ping':
    case 'pong':
    case 'close':
      return true;
    default:
      return false;
  }
}
