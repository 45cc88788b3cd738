import { deserialize, serialize } from 'node:v8';
import { RodeoError } from '../handler/errors.js';

/**
 * How info crosses a node boundary. In process an info is handed over as the object itself; between
 * nodes it must become bytes and back, and a value that would not arrive as it was sent is refused
 * at the sender with a typed error rather than delivered changed.
 */

/** Turns info into bytes and back. */
export interface InfoCodec {
  /** The bytes of `info`; throws if `info` cannot cross as it is. */
  encode(info: unknown): Buffer | string;
  /** The info of `bytes`; throws if they are not an encoded info (the receiver drops them). */
  decode(bytes: Buffer): unknown;
}

/**
 * JSON, strictly: plain objects, arrays, strings, finite numbers, booleans and `null` only. What
 * `JSON.stringify` would silently change — `undefined` outside an object property, functions,
 * symbols, `NaN`/`Infinity`, `BigInt`, `Date`, `Map`, `Set`, class instances (connection refs
 * included) — is refused.
 */
export const jsonCodec: InfoCodec = {
  encode: (info) => {
    // A primitive has one JSON form and needs no replacer (with one, V8 builds a holder object
    // and calls back into JavaScript for every value): the common info, a string, goes straight.
    if (isPlainPrimitive(info)) return JSON.stringify(info);
    const json = JSON.stringify(info, strictly);
    if (json === undefined) throw new TypeError(`${describe(info)} has no JSON form`);
    return json;
  },
  decode: (bytes) => JSON.parse(bytes.toString('utf8')) as unknown,
};

/**
 * Node's structured clone (`node:v8` serialize): also carries `Map`, `Set`, `Date`, `BigInt`,
 * typed arrays, `undefined` and cycles; refuses functions and symbols. Class instances arrive as
 * plain objects. Use it only between nodes running the same Node major version.
 */
export const v8Codec: InfoCodec = {
  encode: (info) => serialize(info),
  decode: (bytes) => deserialize(bytes) as unknown,
};

/**
 * Encodes with `codec`, turning its failure into `RODEO_ERR_INFO_NOT_SERIALIZABLE`. A string comes
 * back as it is: the message it goes into writes it in place, without a buffer of its own.
 */
export function encodeInfo(codec: InfoCodec, info: unknown): Buffer | string {
  let bytes: unknown;
  try {
    bytes = codec.encode(info);
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new RodeoError(
      'RODEO_ERR_INFO_NOT_SERIALIZABLE',
      `info cannot cross to another node: ${reason}`,
      { cause: err },
    );
  }
  if (typeof bytes === 'string' || Buffer.isBuffer(bytes)) return bytes;
  // A plain Uint8Array (what many encoders return) is viewed as a Buffer, not copied.
  if (bytes instanceof Uint8Array) return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
  throw new RodeoError(
    'RODEO_ERR_INFO_NOT_SERIALIZABLE',
    'info cannot cross to another node: the codec returned neither bytes nor a string',
  );
}

/** A string, boolean, finite number or `null`: what JSON carries unchanged without a check. */
function isPlainPrimitive(value: unknown): boolean {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return true;
    case 'number':
      return Number.isFinite(value);
    default:
      return value === null;
  }
}

/** `JSON.stringify` replacer that refuses what JSON would not carry unchanged. */
function strictly(this: unknown, key: string, value: unknown): unknown {
  const original = (this as Record<string, unknown>)[key];
  if (isPlainPrimitive(original)) return value;
  if (original === undefined) {
    // A missing property and an undefined one read the same; anywhere else it would turn to null.
    if (key !== '' && !Array.isArray(this)) return value;
  } else if (typeof original === 'object') {
    if (Array.isArray(original)) return value;
    const proto: unknown = Object.getPrototypeOf(original);
    if (proto === Object.prototype || proto === null) return value;
  }
  throw new TypeError(`${describe(original)} does not survive JSON`);
}

function describe(value: unknown): string {
  if (typeof value === 'object' && value !== null) {
    return `a ${(value as { constructor?: { name?: string } }).constructor?.name ?? 'object'}`;
  }
  return typeof value === 'number' ? String(value) : `a ${typeof value}`;
}
