import {
  from,
  type Observable,
  type ObservableInput,
  type SchedulerAction,
  type SchedulerLike,
  type Subscriber,
  type Subscription,
} from 'rxjs';
import type { Command } from '../handler/commands.js';
import type { ConnectionContext } from '../handler/context.js';
import { RodeoError } from '../handler/errors.js';
import type {
  ConnectionEvent,
  ConnectionOutput,
  MessageEvent,
  TerminalNotification,
} from '../handler/events.js';
import { close } from '../handler/frames.js';
import type { Handler, Result } from '../handler/handler.js';
import {
  closeCodeFor,
  reasons,
  type CallbackName,
  type TerminateReason,
} from '../handler/reasons.js';
import { ok, type CallResult } from '../handler/results.js';
import { checkedResult, isSettled } from './callResults.js';
import { ownsClose } from './endOnce.js';
import { timerDelay } from './idleTimeout.js';
import { HIBERNATE } from './resultCommands.js';

/**
 * The engine for callback handlers, fused into one subscriber.
 *
 * It has exactly the behaviour of the composition `connection` uses for pipelines —
 * `idleTimeout → dispatch → mailboxScan → resultCommands → stopAtClose → endOnce`, see each
 * operator's documentation — and a spec runs both on the same random event sequences. What fusing
 * saves: one subscriber and one set of closures per layer, which is most of what an idle
 * connection holds, and most of the work per frame. Nothing here is public: use `connection`.
 */

/** What the fused engine needs (a resolved `ConnectionSetup`). */
export interface CallbackEngineSetup<S, I> {
  readonly handler: Handler<S, I>;
  readonly state: S;
  readonly ctx: ConnectionContext<I>;
  readonly idleTimeout: number;
  readonly scheduler: SchedulerLike;
  readonly report: (error: unknown, where: CallbackName | 'terminate') => void;
  /** Called just before `terminate`. */
  readonly onTerminate: () => void;
}

/** `websocketInit`'s place in the mailbox. */
const INIT = 0;
type Mail<I> = MessageEvent<I> | typeof INIT;

/**
 * One connection's engine. It observes the connection's events and writes outputs to `out`;
 * `run` subscribes and starts, `unsubscribe` is the teardown.
 */
export class CallbackEngine<S, I> {
  private readonly handler: Handler<S, I>;
  private readonly ctx: ConnectionContext<I>;
  private readonly scheduler: SchedulerLike;
  private readonly report: CallbackEngineSetup<S, I>['report'];
  private readonly onTerminate: () => void;
  private state: S;
  /** Events received before `start` (a source may emit while it is being subscribed). */
  private early: ConnectionEvent<I>[] | null = [];
  private earlyEnd: { readonly error: unknown } | 'complete' | null = null;
  /** A callback's result is being applied or awaited: new messages wait in `queue`. */
  private busy = false;
  private queue: MessageEvent<I>[] | null = null;
  private pending: Subscription | null = null;
  private ended = false;
  private shutdownReason: { readonly value: unknown } | undefined;
  private timeout = Infinity;
  private lastActivity: number;
  private timer: Subscription | null = null;
  private events: Subscription | null = null;

  constructor(
    setup: CallbackEngineSetup<S, I>,
    private readonly out: Subscriber<ConnectionOutput>,
  ) {
    // The setup's fields are copied, not the object kept: one object less per idle connection.
    this.handler = setup.handler;
    this.ctx = setup.ctx;
    this.scheduler = setup.scheduler;
    this.report = setup.report;
    this.onTerminate = setup.onTerminate;
    this.state = setup.state;
    this.lastActivity = setup.scheduler.now();
    this.setIdleTimeout(setup.idleTimeout);
  }

  /**
   * Subscribes to the connection's events and starts. The engine is then its own teardown
   * (`unsubscribe`), so a running connection keeps no closure for it.
   */
  run(events$: Observable<ConnectionEvent<I>>): this {
    this.events = events$.subscribe(this);
    this.start();
    return this;
  }

  /** The teardown: a consumer leaving first ends the connection with `error closed`. */
  unsubscribe(): void {
    this.events?.unsubscribe();
    this.events = null;
    this.cancel();
    if (this.ended) return;
    this.ended = true;
    this.terminate(reasons.error('closed'));
  }

  /** Runs `websocketInit` (if any), then what arrived while subscribing. */
  private start(): void {
    if (this.handler.websocketInit !== undefined) this.deliver(INIT);
    const held = this.early ?? [];
    this.early = null;
    for (let i = 0; i < held.length && !this.ended; i++) this.next(held[i] as ConnectionEvent<I>);
    if (this.earlyEnd === 'complete') this.complete();
    else if (this.earlyEnd !== null) this.error(this.earlyEnd.error);
  }

  next(event: ConnectionEvent<I>): void {
    if (this.ended) return;
    if (this.early !== null) {
      if (event.type === 'frame') this.lastActivity = this.scheduler.now();
      this.early.push(event);
      return;
    }
    switch (event.type) {
      case 'frame':
        this.lastActivity = this.scheduler.now();
        this.deliver(event);
        break;
      case 'info':
        this.deliver(event);
        break;
      case 'end':
        this.end(event.reason);
        break;
    }
  }

  /** An error of the input is a crash of the pipeline, like `endOnce` makes it. */
  error(error: unknown): void {
    if (this.early !== null) this.earlyEnd ??= { error };
    else this.crash('pipeline', error);
  }

  /** The input completing without an end event: the transport went away. */
  complete(): void {
    if (this.early !== null) this.earlyEnd ??= 'complete';
    else this.end(reasons.error('closed'));
  }

  /** The mailbox: one message at a time, in arrival order. */
  private deliver(mail: Mail<I>): void {
    if (this.busy) {
      (this.queue ??= []).push(mail as MessageEvent<I>);
      return;
    }
    this.handle(mail);
    this.drain();
  }

  private handle(mail: Mail<I>): void {
    this.busy = true;
    const callback = callbackOf(mail);
    let result: Result<S>;
    try {
      result = this.call(mail);
    } catch (error) {
      this.crash(callback, error);
      return;
    }
    if (this.ended) return;
    if (isSettled(result)) {
      if (this.settle(result, callback)) this.busy = false;
      return;
    }
    this.await(result, callback);
  }

  private call(mail: Mail<I>): Result<S> {
    const { handler, ctx } = this;
    if (mail === INIT) return handler.websocketInit?.(this.state, ctx) ?? ok(this.state);
    return mail.type === 'frame'
      ? handler.websocketHandle(mail.frame, this.state, ctx)
      : handler.websocketInfo(mail.info, this.state, ctx);
  }

  /** Checks a result, records its state and applies it; `false` if it crashed the connection. */
  private settle(value: unknown, callback: CallbackName): boolean {
    let result: CallResult<S>;
    try {
      result = checkedResult<S>(value);
    } catch (error) {
      this.crash(callback, error);
      return false;
    }
    this.state = result.state;
    this.apply(result);
    return !this.ended;
  }

  /** Waits for a Promise or Observable result; each value it yields is a result. */
  private await(result: ObservableInput<CallResult<S>>, callback: CallbackName): void {
    let yielded = false;
    let done = false;
    const subscription = from(result).subscribe({
      next: (value) => {
        if (this.ended) return;
        yielded = true;
        this.settle(value, callback);
      },
      error: (error: unknown) => {
        if (!this.ended) this.crash(callback, error);
      },
      complete: () => {
        done = true;
        if (this.ended) return;
        if (!yielded) {
          const empty = new RodeoError(
            'RODEO_ERR_EMPTY_RESULT',
            `${callback} completed without a result`,
          );
          this.crash(callback, empty);
          return;
        }
        this.pending = null;
        this.busy = false;
        this.drain();
      },
    });
    if (this.ended) subscription.unsubscribe();
    else if (!done) this.pending = subscription;
  }

  private drain(): void {
    const queue = this.queue;
    while (queue !== null && !this.busy && !this.ended && queue.length > 0) {
      this.handle(queue.shift() as MessageEvent<I>);
    }
  }

  /** `resultCommands` and `stopAtClose`: a result's commands in order, a close frame ends. */
  private apply(result: CallResult<S>): void {
    switch (result.type) {
      case 'ok':
        break;
      case 'reply':
        this.emitAll(result.frames);
        break;
      case 'commands':
        this.emitAll(result.commands);
        break;
      case 'stop':
        this.emit(STOP_FRAME);
        return;
    }
    if (result.hibernate && !this.ended) this.out.next(HIBERNATE);
  }

  private emitAll(list: readonly Command[]): void {
    for (let i = 0; i < list.length && !this.ended; i++) this.emit(list[i] as Command);
  }

  private emit(command: Command): void {
    switch (command.type) {
      case 'setOptions':
        if (command.options.idleTimeout !== undefined) {
          this.setIdleTimeout(command.options.idleTimeout);
        }
        break;
      case 'shutdownReason':
        this.shutdownReason = { value: command.reason };
        break;
      default:
        break;
    }
    this.out.next(command);
    if (command.type === 'close') this.end(reasons.stop);
  }

  private crash(callback: CallbackName, error: unknown): void {
    if (this.ended) return;
    this.report(error, callback);
    this.end(reasons.crash(callback, error));
  }

  /** `endOnce`: the close frame the server owes, `terminate`, the terminal, completion. */
  private end(reason: TerminateReason): void {
    if (this.ended) return;
    this.ended = true;
    this.cancel();
    const code = ownsClose(reason) ? closeCodeFor(reason) : null;
    if (code !== null) this.out.next(close(code));
    this.terminate(reason);
    const terminal: TerminalNotification =
      this.shutdownReason === undefined
        ? { type: 'terminal', reason }
        : { type: 'terminal', reason, shutdownReason: this.shutdownReason.value };
    this.out.next(terminal);
    this.out.complete();
  }

  private terminate(reason: TerminateReason): void {
    const { handler, ctx, report } = this;
    this.onTerminate();
    try {
      handler.terminate?.(reason, ctx.req, this.state);
    } catch (error) {
      report(error, 'terminate');
    }
  }

  private cancel(): void {
    this.pending?.unsubscribe();
    this.pending = null;
    this.timer?.unsubscribe();
    this.timer = null;
    if (this.queue !== null) this.queue.length = 0;
  }

  /** `idleTimeout`: a new duration counts from now; the timer re-arms lazily. */
  private setIdleTimeout(ms: number): void {
    this.timeout = ms;
    this.lastActivity = this.scheduler.now();
    this.timer?.unsubscribe();
    this.timer = Number.isFinite(ms)
      ? this.scheduler.schedule(checkIdle, timerDelay(ms), this as CallbackEngine<unknown, unknown>)
      : null;
  }

  /** Called by the timer: ends with `timeout`, or waits for what is left. */
  idleCheck(action: SchedulerAction<CallbackEngine<unknown, unknown>>): void {
    const remaining = this.lastActivity + this.timeout - this.scheduler.now();
    if (remaining > 0) {
      action.schedule(this as CallbackEngine<unknown, unknown>, timerDelay(remaining));
    } else this.end(reasons.timeout);
  }
}

const STOP_FRAME = close(1000);

/** Shared by every connection's timer: no closure per connection. */
function checkIdle(
  this: SchedulerAction<CallbackEngine<unknown, unknown>>,
  engine?: CallbackEngine<unknown, unknown>,
): void {
  engine?.idleCheck(this);
}

function callbackOf<I>(mail: Mail<I>): CallbackName {
  if (mail === INIT) return 'websocketInit';
  return mail.type === 'frame' ? 'websocketHandle' : 'websocketInfo';
}
