import type { Subscriber } from 'rxjs';
import { active, deflate, setOptions } from '../handler/commands.js';
import type { ConnectionOutput, HibernateSignal, TerminalNotification } from '../handler/events.js';
import type { OutFrame } from '../handler/frames.js';
import type { EnginePort, SendOutcome } from './port.js';

/**
 * The {@link rodeo!HibernateSignal | HibernateSignal} emitted after a result that asked to
 * hibernate; `rodeo/testing` exports it as `hibernated`, to write in expected output marbles.
 */
export const HIBERNATE: HibernateSignal = Object.freeze({ type: 'hibernate' });

/**
 * The engine's port as an Observable's output: every effect becomes a value, in order — frames as
 * themselves, `reading(on)` as `active(on)`, `compression(on)` as `deflate(on)`, `maxFrameSize(n)`
 * as `setOptions({ maxFrameSize: n })`, hibernation as the `hibernate` signal, then the terminal
 * notification and completion. This is what `connection()` and `rodeo/testing` emit.
 */
export class OutputPort implements EnginePort {
  readonly #out: Subscriber<ConnectionOutput>;

  constructor(out: Subscriber<ConnectionOutput>) {
    this.#out = out;
  }

  send(frames: readonly OutFrame[]): SendOutcome {
    for (let i = 0; i < frames.length && !this.#out.closed; i++) {
      this.#out.next(frames[i] as OutFrame);
    }
    return 'sent';
  }

  reading(on: boolean): void {
    this.#out.next(active(on));
  }

  compression(on: boolean): void {
    this.#out.next(deflate(on));
  }

  maxFrameSize(bytes: number): void {
    this.#out.next(setOptions({ maxFrameSize: bytes }));
  }

  hibernate(): void {
    this.#out.next(HIBERNATE);
  }

  queued(): void {
    // Waiting messages are not an output.
  }

  infoDropped(): void {
    // A refused info shows as `ref.send` returning false.
  }

  terminated(terminal: TerminalNotification): void {
    this.#out.next(terminal);
    this.#out.complete();
  }
}
