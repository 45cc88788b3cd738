import { describe, it } from 'vitest';
import { close, reasons, text } from 'rodeo';
import { marbles, terminal } from 'rodeo/testing';
import { counter } from './counter.js';

describe('counter', () => {
  it('numbers each message and stops on bye', () => {
    marbles(({ cold, expectObservable, connect }) => {
      const input = cold('-a-b-c', { a: text('hi'), b: text('yo'), c: text('bye') });
      expectObservable(connect(counter, input)).toBe('-x-y-(zt|)', {
        x: text('1: hi'),
        y: text('2: yo'),
        z: close(1000),
        t: terminal(reasons.stop),
      });
    });
  });

  it('times out after 30 s of silence, in virtual time', () => {
    marbles(({ cold, expectObservable, connect }) => {
      const input = cold('-a', { a: text('hi') });
      expectObservable(connect(counter, input)).toBe('-x 29999ms (zt|)', {
        x: text('1: hi'),
        z: close(1000),
        t: terminal(reasons.timeout),
      });
    });
  });
});
