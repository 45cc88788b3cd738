import { deepStrictEqual } from 'node:assert/strict';

/**
 * Equality for marble assertions that ignores what tests cannot pin down: stack traces and the
 * difference between a Node `Buffer` and a plain `Uint8Array` with the same bytes.
 */

/**
 * Replaces errors by `{ name, message, code? }` and byte arrays by plain `Uint8Array`s, deeply:
 * what {@link stackFreeEqual} compares, and handy to print an output or compare it yourself.
 */
export function normalize(value: unknown): unknown {
  if (value instanceof Error) {
    const { code } = value as { code?: unknown };
    return code === undefined
      ? { name: value.name, message: value.message }
      : { name: value.name, message: value.message, code };
  }
  if (value instanceof Uint8Array) return Uint8Array.from(value);
  if (Array.isArray(value)) return value.map(normalize);
  if (typeof value === 'object' && value !== null) {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) out[key] = normalize(item);
    return out;
  }
  return value;
}

/**
 * Throws an assertion error unless both sides are equal after {@link normalize}: the default
 * comparison of {@link marbles}, so a crash's error matches `new RodeoError(code, message)`
 * whatever its stack, and a received `Buffer` matches the `Uint8Array` you expect.
 */
export function stackFreeEqual(actual: unknown, expected: unknown): void {
  deepStrictEqual(normalize(actual), normalize(expected));
}
