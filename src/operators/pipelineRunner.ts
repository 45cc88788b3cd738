import { Subject, type Observer, type Subscription } from 'rxjs';
import type { Command } from '../handler/commands.js';
import type { HandlerEvent } from '../handler/events.js';
import type { PipelineHandler } from '../handler/handler.js';
import { validateCommand } from '../handler/validate.js';
import { STOP_FRAME } from './callResults.js';
import type { Engine, EngineSetup, HandlerRunner } from './engine.js';

const STOP: readonly Command[] = [STOP_FRAME];

/**
 * Runs a pipeline handler for the engine: frames and info go into a Subject (the `events$` the
 * pipeline was given, which it may subscribe to several times), every command the pipeline emits
 * is checked and interpreted by the engine, its completion stops the connection (1000), its error
 * crashes it (1011).
 *
 * A pipeline consumes events as they arrive: there is no mailbox to bound, and what it buffers
 * (e.g. `concatMap` behind a slow inner Observable) is its own. Use `active(false)` to stop reading.
 */
export class PipelineRunner<S, I> implements HandlerRunner<S, I>, Observer<unknown> {
  readonly state: S;
  readonly #handler: PipelineHandler<S, I>;
  readonly #setup: EngineSetup<S, I>;
  readonly #engine: Engine<S, I>;
  readonly #events = new Subject<HandlerEvent<I>>();
  #subscription: Subscription | null = null;

  constructor(handler: PipelineHandler<S, I>, setup: EngineSetup<S, I>, engine: Engine<S, I>) {
    this.state = setup.state;
    this.#handler = handler;
    this.#setup = setup;
    this.#engine = engine;
  }

  start(): void {
    try {
      const commands$ = this.#handler.pipeline(
        this.#events.asObservable(),
        this.state,
        this.#setup.ctx,
      );
      const subscription = commands$.subscribe(this);
      if (this.#engine.phase === 'open') this.#subscription = subscription;
      else subscription.unsubscribe();
    } catch (error) {
      this.#engine.crash('pipeline', error);
    }
  }

  message(event: HandlerEvent<I>): void {
    this.#events.next(event);
  }

  offer(info: I): boolean {
    this.#events.next({ type: 'info', info });
    return true;
  }

  readStarted(): void {
    // No mailbox: the pipeline takes events as they come.
  }

  stop(): void {
    this.#subscription?.unsubscribe();
    this.#subscription = null;
  }

  // The pipeline's commands

  next(command: unknown): void {
    let checked: Command;
    try {
      checked = validateCommand(command);
    } catch (error) {
      this.#engine.crash('pipeline', error);
      return;
    }
    this.#engine.applyCommands([checked]);
  }

  error(error: unknown): void {
    this.#engine.crash('pipeline', error);
  }

  complete(): void {
    this.#engine.applyCommands(STOP);
  }
}
