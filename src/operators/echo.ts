import type { OperatorFunction } from 'rxjs';
import type { HandlerEvent } from '../handler/events.js';
import type { BinaryFrame, TextFrame } from '../handler/frames.js';
import { framesOf } from './framesOf.js';

/**
 * Replies to every text and binary frame with the same frame; pings, pongs and info are ignored
 * (pings are answered by the server before the handler sees them).
 *
 * ```
 * source: -t-i-b-p-      t = text, i = info, b = binary, p = ping
 * result: -t---b---
 * ```
 *
 * @return A pipeline from connection messages to echoed frames.
 */
export function echo<I>(): OperatorFunction<HandlerEvent<I>, TextFrame | BinaryFrame> {
  return framesOf<I, 'text' | 'binary'>('text', 'binary');
}
