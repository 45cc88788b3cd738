import { Observable, type OperatorFunction } from 'rxjs';
import type { HandlerEvent } from '../handler/events.js';
import type { InFrame } from '../handler/frames.js';

/**
 * Keeps the received frames of the given types and unwraps them from their events; info messages
 * and other frame types are dropped.
 *
 * ```
 * source: -t-i-b-p-      t = text, i = info, b = binary, p = ping
 * framesOf('text', 'binary')
 * result: -t---b---
 * ```
 *
 * @param types The frame types to keep.
 * @return A function from connection messages to frames, narrowed to those types.
 */
export function framesOf<I, T extends InFrame['type']>(
  ...types: readonly T[]
): OperatorFunction<HandlerEvent<I>, Extract<InFrame, { type: T }>> {
  return (source) =>
    new Observable<Extract<InFrame, { type: T }>>((subscriber) =>
      source.subscribe({
        next: (event) => {
          if (event.type === 'frame' && (types as readonly string[]).includes(event.frame.type)) {
            subscriber.next(event.frame as Extract<InFrame, { type: T }>);
          }
        },
        error: (err: unknown) => subscriber.error(err),
        complete: () => subscriber.complete(),
      }),
    );
}
