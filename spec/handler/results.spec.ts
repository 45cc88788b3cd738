import { describe, expect, it } from 'vitest';
import {
  active,
  commands,
  deflate,
  hibernate,
  ok,
  reply,
  request,
  respond,
  setOptions,
  shutdownReason,
  stop,
  text,
  upgrade,
} from 'rodeo';

describe('call results', () => {
  it('ok, with and without hibernate', () => {
    expect(ok(1)).toEqual({ type: 'ok', state: 1, hibernate: false });
    expect(ok(1, hibernate)).toEqual({ type: 'ok', state: 1, hibernate: true });
  });

  it('reply takes one frame or a list', () => {
    expect(reply(text('a'), 1)).toEqual({
      type: 'reply',
      frames: [text('a')],
      state: 1,
      hibernate: false,
    });
    expect(reply([text('a'), text('b')], 1, hibernate)).toEqual({
      type: 'reply',
      frames: [text('a'), text('b')],
      state: 1,
      hibernate: true,
    });
  });

  it('stop and commands', () => {
    expect(stop(2)).toEqual({ type: 'stop', state: 2 });
    expect(commands([active(false), deflate(true)], 3, hibernate)).toEqual({
      type: 'commands',
      commands: [
        { type: 'active', active: false },
        { type: 'deflate', deflate: true },
      ],
      state: 3,
      hibernate: true,
    });
    expect(setOptions({ idleTimeout: 5 })).toEqual({
      type: 'setOptions',
      options: { idleTimeout: 5 },
    });
    expect(shutdownReason('x')).toEqual({ type: 'shutdownReason', reason: 'x' });
  });
});

describe('init results and requests', () => {
  it('upgrade and respond', () => {
    expect(upgrade(0)).toEqual({ type: 'upgrade', state: 0, options: {} });
    expect(upgrade(0, { idleTimeout: 5 })).toEqual({
      type: 'upgrade',
      state: 0,
      options: { idleTimeout: 5 },
    });
    expect(respond(401)).toEqual({ type: 'respond', status: 401, headers: {}, body: '' });
    expect(respond(403, { 'x-a': 'b' }, 'no')).toEqual({
      type: 'respond',
      status: 403,
      headers: { 'x-a': 'b' },
      body: 'no',
    });
  });

  it('request fills defaults and derives the path from the url', () => {
    expect(request({ url: '/a/b?c=1' })).toMatchObject({
      method: 'GET',
      url: '/a/b?c=1',
      path: '/a/b',
    });
    expect(request()).toMatchObject({ url: '/', path: '/', params: {}, query: {}, headers: {} });
    expect(request({ path: '/x' }).url).toBe('/x');
  });
});
