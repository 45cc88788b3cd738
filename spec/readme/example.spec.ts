import { describe, it } from 'vitest';
import { close, ok, reasons, reply, stop, text, upgrade, type Handler } from 'rodeo';
import { marbles, terminal } from 'rodeo/testing';

/** Numbers each text message, stops on "bye", and gives up after 30 s of silence. */
export const counter: Handler<number> = {
  init: () => upgrade(0, { idleTimeout: 30_000 }),
  websocketHandle: (frame, count) => {
    if (frame.type !== 'text') return ok(count);
    if (frame.data === 'bye') return stop(count);
    return reply(text(`${count + 1}: ${frame.data}`), count + 1);
  },
  websocketInfo: (_info: never, count) => ok(count),
};

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
