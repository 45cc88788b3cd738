import { map, type OperatorFunction } from 'rxjs';
import { RodeoError } from '../handler/errors.js';
import type { TextFrame } from '../handler/frames.js';

/** A text frame that parsed (and passed the guard). */
export interface JsonValue<T> {
  /** The outcome's tag. */
  readonly type: 'json';
  /** The parsed value, typed by the guard. */
  readonly value: T;
}

/** A text frame that did not parse, or failed the guard; the stream goes on. */
export interface JsonDecodeError {
  /** The outcome's tag. */
  readonly type: 'decodeError';
  /** The frame's text, as received. */
  readonly text: string;
  /** `RODEO_ERR_JSON_DECODE`, with the parser's error as `cause` when it did not parse. */
  readonly error: RodeoError;
}

/** What {@link decodeJson} emits for each text frame: a value, or why there is none. */
export type JsonDecoded<T> = JsonValue<T> | JsonDecodeError;

/**
 * Parses each text frame as JSON. Bad input is an outcome, not an error: it is emitted as a
 * `decodeError` (code `RODEO_ERR_JSON_DECODE`) and the stream goes on, so one malformed message
 * cannot crash the connection unless the pipeline decides it should.
 *
 * ```
 * source: -a-b-c-        a = text('{"n":1}'), b = text('nope'), c = text('[1]')
 * decodeJson(isCounter)
 * result: -v-e-e-        v = json {n: 1}, e = decodeError (b: not JSON; c: failed the guard)
 * ```
 *
 * @param guard Optional type guard; values failing it are decode errors.
 * @return A function from text frames to decoded values or decode errors.
 */
export function decodeJson<T = unknown>(
  guard?: (value: unknown) => value is T,
): OperatorFunction<TextFrame, JsonDecoded<T>> {
  return map((frame): JsonDecoded<T> => {
    let value: unknown;
    try {
      value = JSON.parse(frame.data);
    } catch (err) {
      return decodeError(frame.data, `not JSON: ${(err as Error).message}`, err);
    }
    if (guard && !guard(value)) return decodeError(frame.data, 'JSON failed the guard');
    return { type: 'json', value: value as T };
  });
}

function decodeError(text: string, message: string, cause?: unknown): JsonDecodeError {
  const error = new RodeoError('RODEO_ERR_JSON_DECODE', message, { cause });
  return { type: 'decodeError', text, error };
}
