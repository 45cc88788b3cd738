import { describe, it } from 'vitest';
import { close, reasons, text } from 'rodeo';
import { marbles, terminal } from 'rodeo/testing';
import { sum } from './sum.js';

describe('sum', () => {
  it('sums arrays of numbers, names what it cannot read, and times out after 60 s', () => {
    marbles(({ cold, expectObservable, connect }) => {
      const input = cold('-a-b-c', { a: text('[1,2,3]'), b: text('oops'), c: text('{}') });
      expectObservable(connect(sum, input)).toBe('-x-y-z 59999ms (wt|)', {
        x: text('{"sum":6}'),
        y: text('{"error":"RODEO_ERR_JSON_DECODE"}'),
        z: text('{"error":"RODEO_ERR_JSON_DECODE"}'),
        w: close(1000),
        t: terminal(reasons.timeout),
      });
    });
  });
});
