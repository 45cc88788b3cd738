import { describe, it } from 'vitest';
import { close, reasons, text } from 'rodeo';
import { marbles, peerClose, terminal } from 'rodeo/testing';
import { shout } from './pipeline.js';

describe('shout, a pipeline handler', () => {
  it('answers at most once a second and stops on bye', () => {
    marbles(({ cold, expectObservable, connect }) => {
      // b comes 2 ms after a and is dropped; c comes after the second has passed.
      const input = cold('-a-b 1500ms c 99ms x', {
        a: text('hi'),
        b: text('hello'),
        c: text('again'),
        x: text('bye'),
      });
      expectObservable(connect(shout, input)).toBe('-a 1502ms c 99ms (zt|)', {
        a: text('HI'),
        c: text('AGAIN'),
        z: close(1000),
        t: terminal(reasons.stop),
      });
    });
  });

  it('ends when the peer closes (the server echoes its close frame itself)', () => {
    marbles(({ cold, expectObservable, connect }) => {
      const input = cold('-a-x', { a: text('hi'), x: peerClose(1000) });
      expectObservable(connect(shout, input)).toBe('-a-(t|)', {
        a: text('HI'),
        t: terminal(reasons.remote(1000)),
      });
    });
  });
});
