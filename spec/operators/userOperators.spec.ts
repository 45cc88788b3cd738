import { describe, it } from 'vitest';
import {
  type HandlerEvent,
  binary,
  decodeJson,
  echo,
  encodeJson,
  framesOf,
  infos,
  ping,
  text,
  RodeoError,
} from 'rodeo';
import { info, marbles } from 'rodeo/testing';

const t: HandlerEvent<string> = { type: 'frame', frame: text('t') };
const b: HandlerEvent<string> = { type: 'frame', frame: binary(Uint8Array.of(7)) };
const p: HandlerEvent<string> = { type: 'frame', frame: ping() };
const i: HandlerEvent<string> = info('x');

describe('framesOf', () => {
  it('keeps the frames of the given types, unwrapped', () => {
    marbles(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-t-i-b-p-|', { t, i, b, p });
      expectObservable(source.pipe(framesOf('text', 'binary'))).toBe('-t---b---|', {
        t: text('t'),
        b: binary(Uint8Array.of(7)),
      });
      expectSubscriptions(source.subscriptions).toBe('^--------!');
    });
  });
  it('passes errors', () => {
    marbles(({ cold, expectObservable }) => {
      expectObservable(cold<HandlerEvent<string>>('-#').pipe(framesOf('ping'))).toBe('-#');
    });
  });
});

describe('infos', () => {
  it('keeps the info values', () => {
    marbles(({ cold, expectObservable }) => {
      expectObservable(cold('-t-i-b-i|', { t, i, b }).pipe(infos<string>())).toBe('---x---x|', {
        x: 'x',
      });
      expectObservable(cold<HandlerEvent<string>>('-#').pipe(infos())).toBe('-#');
    });
  });
});

describe('echo', () => {
  it('echoes text and binary only', () => {
    marbles(({ cold, expectObservable }) => {
      expectObservable(cold('-t-i-b-p-', { t, i, b, p }).pipe(echo())).toBe('-t---b---', {
        t: text('t'),
        b: binary(Uint8Array.of(7)),
      });
    });
  });
});

describe('decodeJson / encodeJson', () => {
  const isCounter = (v: unknown): v is { n: number } =>
    typeof v === 'object' && v !== null && typeof (v as { n?: unknown }).n === 'number';

  it('decodes JSON, emitting typed decode errors instead of failing', () => {
    marbles(({ cold, expectObservable }) => {
      const source = cold('-a-b-c-|', { a: text('{"n":1}'), b: text('nope'), c: text('[1]') });
      expectObservable(source.pipe(decodeJson(isCounter))).toBe('-v-e-g-|', {
        v: { type: 'json', value: { n: 1 } },
        e: {
          type: 'decodeError',
          text: 'nope',
          error: new RodeoError('RODEO_ERR_JSON_DECODE', `not JSON: ${jsonMessage('nope')}`),
        },
        g: {
          type: 'decodeError',
          text: '[1]',
          error: new RodeoError('RODEO_ERR_JSON_DECODE', 'JSON failed the guard'),
        },
      });
    });
  });

  it('decodes without a guard', () => {
    marbles(({ cold, expectObservable }) => {
      expectObservable(cold('-a', { a: text('[1]') }).pipe(decodeJson())).toBe('-v', {
        v: { type: 'json', value: [1] },
      });
    });
  });

  it('encodes values as JSON text frames', () => {
    marbles(({ cold, expectObservable }) => {
      expectObservable(cold('-a-b', { a: { n: 1 }, b: 'hi' }).pipe(encodeJson())).toBe('-x-y', {
        x: text('{"n":1}'),
        y: text('"hi"'),
      });
    });
  });
});

function jsonMessage(input: string): string {
  try {
    JSON.parse(input);
    return '';
  } catch (err) {
    return (err as Error).message;
  }
}
