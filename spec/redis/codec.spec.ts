import { describe, expect, it } from 'vitest';
import { jsonCodec, v8Codec, type InfoCodec } from '../../src/redis/index.js';
import { encodeInfo } from '../../src/redis/codec.js';
import { decode, encode, MalformedMessage, stateFields } from '../../src/redis/wire.js';

const notSerializable = expect.objectContaining({ code: 'RODEO_ERR_INFO_NOT_SERIALIZABLE' });
/** What crosses: `encodeInfo` gives a string as it is, the wire message holds its UTF-8 bytes. */
const crossed = (codec: InfoCodec, info: unknown): Buffer => Buffer.from(encodeInfo(codec, info));

describe('jsonCodec', () => {
  it('carries plain data unchanged', () => {
    const info = { a: [1, 'two', null, true], b: { c: -0.5 }, skipped: undefined };
    const bytes = crossed(jsonCodec, info);
    expect(jsonCodec.decode(bytes)).toEqual({ a: [1, 'two', null, true], b: { c: -0.5 } });
  });

  it.each([['héllo "wörld"\n'], [''], [-0.25], [0], [true], [false], [null]])(
    'carries the primitive %j unchanged',
    (info) => {
      expect(jsonCodec.decode(crossed(jsonCodec, info))).toEqual(info);
    },
  );

  it.each([
    ['a BigInt', { n: 1n }],
    ['a Date', { at: new Date(0) }],
    ['a Map', new Map()],
    ['NaN', [Number.NaN]],
    ['NaN at the top', Number.NaN],
    ['-Infinity at the top', -Infinity],
    ['a BigInt at the top', 5n],
    ['a symbol at the top', Symbol('s')],
    ['Infinity', { x: Infinity }],
    ['a function', { f: () => 1 }],
    ['undefined at the top', undefined],
    ['undefined in an array', [undefined]],
    ['a class instance', { ref: new (class Ref {})() }],
    [
      'a cycle',
      ((): object => {
        const o: Record<string, unknown> = {};
        o['self'] = o;
        return o;
      })(),
    ],
  ])('refuses %s with a typed error', (_what, info) => {
    expect(() => encodeInfo(jsonCodec, info)).toThrow(notSerializable);
  });
});

describe('encodeInfo', () => {
  it("takes a codec's Uint8Array as bytes and refuses anything else with a typed error", () => {
    const bytesCodec: InfoCodec = {
      encode: () => new Uint8Array([7, 8, 9]).subarray(1) as Buffer,
      decode: () => null,
    };
    expect(encodeInfo(bytesCodec, 'x')).toEqual(Buffer.from([8, 9]));
    const numberCodec: InfoCodec = { encode: () => 42 as unknown as string, decode: () => null };
    expect(() => encodeInfo(numberCodec, 'x')).toThrow(notSerializable);
  });
});

describe('v8Codec', () => {
  it('carries Map, Set, Date and BigInt; refuses functions', () => {
    const info = { m: new Map([[1, new Set(['a'])]]), at: new Date(5), n: 2n };
    expect(v8Codec.decode(crossed(v8Codec, info))).toEqual(info);
    expect(() => encodeInfo(v8Codec, { f: () => 1 })).toThrow(notSerializable);
  });
});

describe('wire messages', () => {
  it('round-trips every kind', () => {
    const state = {
      refs: [
        { id: 'n.c1', groups: ['g', 'ü'], names: ['ann'] },
        { id: 'n.c2', groups: [], names: [] },
      ],
    };
    expect(decode(encode('H', stateFields('n', state)))).toEqual({
      kind: 'hello',
      node: 'n',
      state,
    });
    expect(decode(encode('J', ['n', 'room', 'n.c1']))).toEqual({
      kind: 'join',
      node: 'n',
      group: 'room',
      ref: 'n.c1',
    });
    expect(decode(encode('U', ['n', 'ann', 'n.c1']))).toEqual({
      kind: 'unname',
      node: 'n',
      name: 'ann',
      ref: 'n.c1',
    });
    expect(decode(encode('D', ['n']))).toEqual({ kind: 'down', node: 'n' });
    const payload = Buffer.from([0, 1, 2]);
    expect(decode(encode('B', ['n', 'g', '2'], payload))).toEqual({
      kind: 'broadcast',
      node: 'n',
      group: 'g',
      opcode: 2,
      payload,
    });
    expect(decode(encode('I', ['n', 'n.c1'], payload))).toMatchObject({
      kind: 'info',
      ref: 'n.c1',
      payload,
    });
    // A string payload (an info's JSON) is written as its UTF-8 bytes after the fields.
    expect(decode(encode('P', ['nö', 'ü'], '"ünï"'))).toEqual({
      kind: 'publish',
      node: 'nö',
      group: 'ü',
      payload: Buffer.from('"ünï"'),
    });
  });

  it.each([
    '',
    'Z1:n',
    'J',
    'J1:n',
    'J5:n',
    'J1:n9999999999:x',
    'J12345678901:x',
    'S1:n4:n.c19:g',
    'S1:n4:n.c1x:g',
  ])('refuses %j as malformed', (bytes) => {
    expect(() => decode(Buffer.from(bytes))).toThrow(MalformedMessage);
  });
});
