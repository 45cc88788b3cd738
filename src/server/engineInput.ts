import { Observable, type Subscriber } from 'rxjs';

/**
 * A connection's input to the engine: what the socket and the mailbox push, delivered to the one
 * subscriber the engine makes. A `Subject` would do the same, but keeps an observer list, a copy of
 * it and a removal closure for every connection; this keeps one subscriber.
 *
 * ```
 * push:   -a-b---c      a second subscription while one is open errors at once
 * events: -a-b---c
 * ```
 */
export class EngineInput<T> {
  #subscriber: Subscriber<T> | undefined;

  /**
   * The events, for the engine to subscribe to once. A new Observable each time, kept by nobody:
   * a running connection holds only its subscriber.
   */
  get events(): Observable<T> {
    return new Observable<T>((subscriber) => this.#attach(subscriber));
  }

  /** Delivers `value` to the subscriber; dropped if there is none (or it has unsubscribed). */
  push(value: T): void {
    this.#subscriber?.next(value);
  }

  #attach(subscriber: Subscriber<T>): void {
    if (this.#subscriber !== undefined && !this.#subscriber.closed) {
      subscriber.error(new Error('a connection input has one subscriber at a time'));
      return;
    }
    this.#subscriber = subscriber;
  }
}
