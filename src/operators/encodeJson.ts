import { map, type OperatorFunction } from 'rxjs';
import { text, type TextFrame } from '../handler/frames.js';

/**
 * Serialises each value as JSON into a text frame, ready to be a pipeline's reply.
 *
 * ```
 * source: -a-b-      a = {n: 1}, b = 'hi'
 * result: -x-y-      x = text('{"n":1}'), y = text('"hi"')
 * ```
 *
 * @return A function from values to text frames.
 */
export function encodeJson<T>(): OperatorFunction<T, TextFrame> {
  return map((value) => text(JSON.stringify(value)));
}
