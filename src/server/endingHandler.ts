import type { Observable } from 'rxjs';
import type { Command } from '../handler/commands.js';
import type { ConnectionContext } from '../handler/context.js';
import type { MessageEvent } from '../handler/events.js';
import type { InFrame } from '../handler/frames.js';
import {
  isPipelineHandler,
  type AnyHandler,
  type Handler,
  type InitResult,
  type PipelineHandler,
  type Result,
} from '../handler/handler.js';
import type { TerminateReason } from '../handler/reasons.js';
import type { Request } from '../handler/request.js';

/**
 * A connection's view of its route's handler that tells the session when `terminate` starts (from
 * then on its mailbox refuses info: terminate may send to itself). Each view is one object with two
 * fields whose methods live on a shared prototype and call the handler's own methods on the
 * handler, so class-based handlers keep their `this` without a bound copy per connection.
 */

/** Told just before the handler's `terminate` runs. */
export interface EndingListener {
  onEnding(): void;
}

/** The same handler as `handler`, with `listener.onEnding()` called just before its `terminate`. */
export function endingHandler<S, I>(
  handler: AnyHandler<S, I>,
  listener: EndingListener,
): AnyHandler<S, I> {
  if (isPipelineHandler(handler)) return new PipelineView(handler, listener);
  return handler.websocketInit === undefined
    ? new CallbackView(handler, listener)
    : new CallbackViewWithInit(handler as WithInit<S, I>, listener);
}

class PipelineView<S, I> implements PipelineHandler<S, I> {
  constructor(
    private readonly handler: PipelineHandler<S, I>,
    private readonly listener: EndingListener,
  ) {}

  init(req: Request): InitResult<S> | PromiseLike<InitResult<S>> {
    return this.handler.init(req);
  }

  pipeline(
    events$: Observable<MessageEvent<I>>,
    state: S,
    ctx: ConnectionContext<I>,
  ): Observable<Command> {
    return this.handler.pipeline(events$, state, ctx);
  }

  terminate(reason: TerminateReason, req: Request, state: S): void {
    this.listener.onEnding();
    this.handler.terminate?.(reason, req, state);
  }
}

class CallbackView<S, I> implements Handler<S, I> {
  constructor(
    protected readonly handler: Handler<S, I>,
    private readonly listener: EndingListener,
  ) {}

  init(req: Request): InitResult<S> | PromiseLike<InitResult<S>> {
    return this.handler.init(req);
  }

  websocketHandle(frame: InFrame, state: S, ctx: ConnectionContext<I>): Result<S> {
    return this.handler.websocketHandle(frame, state, ctx);
  }

  websocketInfo(info: I, state: S, ctx: ConnectionContext<I>): Result<S> {
    return this.handler.websocketInfo(info, state, ctx);
  }

  terminate(reason: TerminateReason, req: Request, state: S): void {
    this.listener.onEnding();
    this.handler.terminate?.(reason, req, state);
  }
}

type WithInit<S, I> = Handler<S, I> & Required<Pick<Handler<S, I>, 'websocketInit'>>;

/** `websocketInit` exists only on views of handlers that have one: the engine checks for it. */
class CallbackViewWithInit<S, I> extends CallbackView<S, I> {
  declare protected readonly handler: WithInit<S, I>;

  websocketInit(state: S, ctx: ConnectionContext<I>): Result<S> {
    return this.handler.websocketInit(state, ctx);
  }
}
