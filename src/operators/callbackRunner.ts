import { from, type Observer, type SchedulerLike, type Subscription } from 'rxjs';
import type { ConnectionContext } from '../handler/context.js';
import { RodeoError } from '../handler/errors.js';
import type { HandlerEvent } from '../handler/events.js';
import type { Handler, MailboxOverflow, Result } from '../handler/handler.js';
import { reasons, type CallbackName } from '../handler/reasons.js';
import { ok, type CallResult } from '../handler/results.js';
import { checkedResult, isAsyncResult } from './callResults.js';
import type { Engine, EngineSetup, HandlerRunner } from './engine.js';
import { Mailbox, type MailboxHost } from './mailbox.js';

/** What a waiting frame costs besides its payload (event, frame and buffer objects), in bytes. */
export const FRAME_OVERHEAD = 256;

/** `websocketInit`'s place in the mailbox. */
const INIT = 0;
type Mail<I> = HandlerEvent<I> | typeof INIT;

/**
 * Runs a callback handler for the engine: its mailbox (one message at a time, in order, see
 * `Mailbox`), the call of the right callback, the result checked and applied (synchronously when
 * it is settled, or when its Promise or Observable yields), and the mailbox's bounds:
 *
 * - frames waiting for a busy handler are counted in bytes; past `readHighWater` the engine stops
 *   reading the socket (TCP pushes back on the peer), below half of it it reads again;
 * - infos waiting are counted; past `mailboxLimit` one more is dropped (`ref.send` is `false`) or
 *   ends the connection, as `mailboxOverflow` says — once the sender's own callback is over, with
 *   every info refused meanwhile: ending at once would run this connection's `terminate` inside
 *   another connection's callback (or inside its own, when it floods itself).
 */
export class CallbackRunner<S, I> implements HandlerRunner<S, I>, MailboxHost<Mail<I>> {
  state: S;
  readonly #handler: Handler<S, I>;
  readonly #ctx: ConnectionContext<I>;
  readonly #engine: Engine<S, I>;
  readonly #mailbox: Mailbox<Mail<I>>;
  readonly #highWater: number;
  readonly #mailboxLimit: number;
  readonly #overflow: MailboxOverflow;
  readonly #scheduler: SchedulerLike;
  #pending: Subscription | null = null;
  /** The end `mailboxOverflow: 'close'` scheduled, once an info overflowed. */
  #overflowEnd: Subscription | null = null;
  #waitingBytes = 0;
  #waitingInfos = 0;
  #full = false;

  constructor(handler: Handler<S, I>, setup: EngineSetup<S, I>, engine: Engine<S, I>) {
    this.state = setup.state;
    this.#handler = handler;
    this.#ctx = setup.ctx;
    this.#engine = engine;
    this.#mailbox = new Mailbox<Mail<I>>(this, setup.scheduler);
    this.#highWater = setup.readHighWater;
    this.#mailboxLimit = setup.mailboxLimit;
    this.#overflow = setup.mailboxOverflow;
    this.#scheduler = setup.scheduler;
  }

  start(): void {
    if (this.#handler.websocketInit !== undefined) this.#mailbox.put(INIT);
  }

  message(event: HandlerEvent<I>): void {
    if (event.type === 'info') {
      this.offer(event.info);
      return;
    }
    if (!this.#mailbox.put(event, true)) return;
    this.#waitingBytes += weightOf(event);
    this.#engine.queued(1, this.#mailbox.length);
    if (!this.#full && this.#waitingBytes >= this.#highWater) {
      this.#full = true;
      this.#engine.mailboxFull(true);
    }
  }

  offer(info: I): boolean {
    if (this.#overflowEnd !== null) return false;
    if (this.#waitingInfos >= this.#mailboxLimit) {
      if (this.#overflow === 'close') {
        const engine = this.#engine;
        this.#overflowEnd = this.#scheduler.schedule(() => engine.end(reasons.mailboxFull));
      } else this.#engine.infoDropped();
      return false;
    }
    if (this.#mailbox.put({ type: 'info', info })) {
      this.#waitingInfos++;
      this.#engine.queued(1, this.#mailbox.length);
    }
    return true;
  }

  readStarted(): void {
    this.#mailbox.startSlice();
  }

  stop(): void {
    this.#pending?.unsubscribe();
    this.#pending = null;
    this.#overflowEnd?.unsubscribe();
    const waiting = this.#mailbox.length;
    this.#mailbox.close();
    if (waiting > 0) this.#engine.queued(-waiting, 0);
  }

  // MailboxHost

  dequeued(mail: Mail<I>): void {
    if (mail !== INIT) {
      if (mail.type === 'info') this.#waitingInfos--;
      else this.#waitingBytes -= weightOf(mail);
    }
    this.#engine.queued(-1, this.#mailbox.length);
    if (this.#full && this.#waitingBytes < this.#highWater / 2) {
      this.#full = false;
      this.#engine.mailboxFull(false);
    }
  }

  run(mail: Mail<I>): boolean {
    const callback = callbackOf(mail);
    let result: Result<S>;
    try {
      result = this.#call(mail);
    } catch (error) {
      this.#engine.crash(callback, error);
      return true;
    }
    if (this.#engine.phase !== 'open') return true;
    if (!isAsyncResult(result)) {
      this.settle(result, callback);
      return true;
    }
    const pending = new PendingResult(this, callback);
    const subscription = from(result).subscribe(pending);
    if (pending.done || this.#engine.phase !== 'open') {
      subscription.unsubscribe();
      return true;
    }
    pending.waiting = true;
    this.#pending = subscription;
    return false;
  }

  /** Checks a result, records its state and applies it. */
  settle(value: unknown, callback: CallbackName): void {
    let result: CallResult<S>;
    try {
      result = checkedResult<S>(value);
    } catch (error) {
      this.#engine.crash(callback, error);
      return;
    }
    this.state = result.state;
    this.#engine.applyResult(result);
  }

  /** An asynchronous result is over: yielded nothing (a crash), failed, or done. */
  finish(pending: PendingResult<S, I>, error?: { readonly value: unknown }): void {
    if (this.#engine.phase !== 'open') return;
    if (error !== undefined) this.#engine.crash(pending.callback, error.value);
    else if (!pending.yielded) {
      const empty = new RodeoError(
        'RODEO_ERR_EMPTY_RESULT',
        `${pending.callback} completed without a result`,
      );
      this.#engine.crash(pending.callback, empty);
    } else if (pending.waiting) {
      this.#pending = null;
      this.#mailbox.settled();
    }
  }

  get ended(): boolean {
    return this.#engine.phase !== 'open';
  }

  #call(mail: Mail<I>): Result<S> {
    const handler = this.#handler;
    if (mail === INIT) return handler.websocketInit?.(this.state, this.#ctx) ?? ok(this.state);
    return mail.type === 'frame'
      ? handler.websocketHandle(mail.frame, this.state, this.#ctx)
      : handler.websocketInfo(mail.info, this.state, this.#ctx);
  }
}

/** One asynchronous result being waited for: each value it yields is a result. */
class PendingResult<S, I> implements Observer<unknown> {
  yielded = false;
  done = false;
  /** Set once the mailbox waits for it (it did not finish while being subscribed). */
  waiting = false;

  constructor(
    private readonly runner: CallbackRunner<S, I>,
    readonly callback: CallbackName,
  ) {}

  next(value: unknown): void {
    if (this.runner.ended) return;
    this.yielded = true;
    this.runner.settle(value, this.callback);
  }

  error(error: unknown): void {
    this.done = true;
    this.runner.finish(this, { value: error });
  }

  complete(): void {
    this.done = true;
    this.runner.finish(this);
  }
}

function callbackOf<I>(mail: Mail<I>): CallbackName {
  if (mail === INIT) return 'websocketInit';
  return mail.type === 'frame' ? 'websocketHandle' : 'websocketInfo';
}

function weightOf<I>(event: HandlerEvent<I>): number {
  if (event.type !== 'frame') return 0;
  const data = event.frame.data;
  return FRAME_OVERHEAD + (typeof data === 'string' ? data.length : data.byteLength);
}
