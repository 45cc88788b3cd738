import { describe, expect, it } from 'vitest';
import { binary, close, isControlFrame, ping, pong, text } from 'rodeo';

describe('frames', () => {
  it('builds data frames', () => {
    expect(text('hi')).toEqual({ type: 'text', data: 'hi' });
    expect(binary(Uint8Array.of(1))).toEqual({ type: 'binary', data: Uint8Array.of(1) });
  });

  it('builds control frames, empty by default', () => {
    expect(ping()).toEqual({ type: 'ping', data: new Uint8Array(0) });
    expect(pong(Uint8Array.of(9))).toEqual({ type: 'pong', data: Uint8Array.of(9) });
  });

  it("builds close frames in Cowboy's three forms", () => {
    expect(close()).toEqual({ type: 'close' });
    expect(close('bye')).toEqual({ type: 'close', code: 1000, reason: 'bye' });
    expect(close(4000)).toEqual({ type: 'close', code: 4000 });
    expect(close(4000, 'x')).toEqual({ type: 'close', code: 4000, reason: 'x' });
  });

  it('tells control frames from data frames', () => {
    expect(
      [ping(), pong(), close(), text(''), binary(new Uint8Array())].map(isControlFrame),
    ).toEqual([true, true, true, false, false]);
  });
});
