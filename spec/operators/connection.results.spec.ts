import { describe, expect, it } from 'vitest';
import { firstValueFrom, Subject, toArray } from 'rxjs';
import {
  active,
  binary,
  close,
  commands,
  deflate,
  hibernate,
  ok,
  reasons,
  reply,
  stop,
  text,
  upgrade,
  RodeoError,
  type CallResult,
  type Handler,
  type Result,
  type TerminateReason,
} from 'rodeo';
import {
  hibernated,
  info,
  marbles,
  peerClose,
  runConnection,
  terminal,
  type TestInput,
} from 'rodeo/testing';
import { later } from '../fixtures/handlers.js';

type Callback = 'websocketInit' | 'websocketHandle' | 'websocketInfo';

/**
 * One helper for every callback, like Cowboy's suite: a handler whose `callback` returns `result`
 * once (state 's0' → whatever the result says), and the input that triggers it.
 */
function handlerReturning(callback: Callback, result: () => Result<string>) {
  const terminated: { reason: TerminateReason; state: string }[] = [];
  const handler: Handler<string, string> = {
    init: () => upgrade('s0', { idleTimeout: Infinity }),
    websocketHandle: (_frame, state) => (callback === 'websocketHandle' ? result() : ok(state)),
    websocketInfo: (_info, state) => (callback === 'websocketInfo' ? result() : ok(state)),
    terminate: (reason, _req, state) => {
      terminated.push({ reason, state: state ?? '' });
    },
  };
  if (callback === 'websocketInit') handler.websocketInit = () => result();
  return { handler, terminated };
}

/** Input: the triggering event at frame 1 (none for websocketInit), peer close at frame 10. */
const inputFor = (callback: Callback): string =>
  callback === 'websocketInit' ? '10ms p' : '- x 8ms p';
const at = (callback: Callback): number => (callback === 'websocketInit' ? 0 : 1);

/** Expected output: `group` at the callback's frame, then the terminal at frame 10. */
function expected(callback: Callback, group: string): string {
  const pos = at(callback);
  const written = group.length > 1 ? `(${group})` : group;
  const used = pos + written.length;
  return `${pos ? `${pos}ms ` : ''}${written} ${10 - used}ms (t|)`;
}

const input = { x: text('go'), p: peerClose(1000) };
const values = {
  a: text('a'),
  b: binary(Uint8Array.of(1, 2)),
  c: close(4000, 'bye'),
  h: hibernated,
  s: close(1000),
  o: active(false),
  d: deflate(false),
  t: terminal(reasons.remote(1000)),
  T: terminal(reasons.stop),
};
const callbacks: Callback[] = ['websocketInit', 'websocketHandle', 'websocketInfo'];

describe.each(callbacks)('call results from %s', (callback) => {
  const inputValues: Record<string, TestInput<string>> = callback === 'websocketInfo'
    ? { ...input, x: info('go') }
    : input;

  const run = (result: () => Result<string>, group: string, finalState: string): void => {
    const { handler, terminated } = handlerReturning(callback, result);
    const stops = group.includes('T');
    const out = stops
      ? `${at(callback) ? `${at(callback)}ms ` : ''}(${group})`
      : expected(callback, group);
    marbles(({ cold, expectObservable, connect }) => {
      expectObservable(connect(handler, cold(inputFor(callback), inputValues))).toBe(out, values);
    });
    const reason = stops ? reasons.stop : reasons.remote(1000);
    expect(terminated).toEqual([{ reason, state: finalState }]);
  };

  it('ok keeps going with the new state', () => run(() => ok('s1'), '', 's1'));
  it('ok with hibernate signals hibernation', () => run(() => ok('s1', hibernate), 'h', 's1'));
  it('reply sends one frame', () => run(() => reply(text('a'), 's1'), 'a', 's1'));
  it('reply sends several frames in order', () =>
    run(() => reply([text('a'), binary(Uint8Array.of(1, 2))], 's1'), 'ab', 's1'));
  it('reply with hibernate sends, then signals', () =>
    run(() => reply(text('a'), 's1', hibernate), 'ah', 's1'));
  it('stop closes with 1000 and terminates with stop', () => run(() => stop('s1'), 'sT|', 's1'));
  it('commands apply frames and flow commands in order', () =>
    run(() => commands([text('a'), active(false), deflate(false)], 's1'), 'aod', 's1'));
  it('commands with hibernate', () =>
    run(() => commands([text('a')], 's1', hibernate), 'ah', 's1'));
  it('a close among commands stops; what follows it is dropped', () =>
    run(() => commands([text('a'), close(4000, 'bye'), text('a')], 's1'), 'acT|', 's1'));
  it('an Observable result is applied as it emits', () =>
    run(() => later(0, reply(text('a'), 's1')), 'a', 's1'));
  it('a Promise result is applied when it settles', async () => {
    // Promises settle on the microtask queue, outside virtual time: drive this one for real.
    const { handler, terminated } = handlerReturning(callback, () =>
      Promise.resolve(reply(text('a'), 's1')),
    );
    const source = new Subject<TestInput<string>>();
    const all = firstValueFrom(
      runConnection(handler, source, { idleTimeout: Infinity }).pipe(toArray()),
    );
    if (callback === 'websocketHandle') source.next(text('go'));
    if (callback === 'websocketInfo') source.next(info('go'));
    await new Promise((resolve) => setImmediate(resolve));
    source.next(peerClose(1000));
    expect(await all).toEqual([text('a'), terminal(reasons.remote(1000))]);
    expect(terminated).toEqual([{ reason: reasons.remote(1000), state: 's1' }]);
  });
  it('a thrown error crashes with 1011, naming the callback', () => {
    const boom = new Error('boom');
    const { handler, terminated } = handlerReturning(callback, () => {
      throw boom;
    });
    marbles(({ cold, expectObservable, connect }) => {
      expectObservable(connect(handler, cold(inputFor(callback), inputValues))).toBe(
        `${at(callback) ? `${at(callback)}ms ` : ''}(ez|)`,
        { e: close(1011), z: terminal(reasons.crash(callback, boom)) },
      );
    });
    expect(terminated).toEqual([{ reason: reasons.crash(callback, boom), state: 's0' }]);
  });
  it('an invalid result crashes with RODEO_ERR_INVALID_RESULT', () => {
    const { handler } = handlerReturning(
      callback,
      () => ({ type: 'nope' }) as unknown as CallResult<string>,
    );
    marbles(({ cold, expectObservable, connect }) => {
      expectObservable(connect(handler, cold(inputFor(callback), inputValues))).toBe(
        `${at(callback) ? `${at(callback)}ms ` : ''}(ez|)`,
        {
          e: close(1011),
          z: terminal(
            reasons.crash(
              callback,
              new RodeoError('RODEO_ERR_INVALID_RESULT', 'not a call result: {"type":"nope"}'),
            ),
          ),
        },
      );
    });
  });
});
