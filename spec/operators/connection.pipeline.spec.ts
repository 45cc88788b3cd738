import { describe, expect, it } from 'vitest';
import { concatMap, map, mergeMap, of, take, throwError, timer } from 'rxjs';
import {
  close,
  decodeJson,
  echo,
  encodeJson,
  framesOf,
  infos,
  reasons,
  text,
  upgrade,
  type PipelineHandler,
  type TerminateReason,
} from 'rodeo';
import { info, marbles, peerClose, terminal } from 'rodeo/testing';

const a = text('a');
const b = text('b');

function pipelineHandler(
  pipeline: PipelineHandler<string, string>['pipeline'],
  idleTimeout = Infinity,
): PipelineHandler<string, string> & { terminated: TerminateReason[] } {
  const terminated: TerminateReason[] = [];
  return {
    terminated,
    init: () => upgrade('s', { idleTimeout }),
    pipeline,
    terminate: (reason) => void terminated.push(reason),
  };
}

describe('connection: pipeline handlers', () => {
  it('runs the pipeline on frames and info, ending like a callback handler on peer close', () => {
    const handler = pipelineHandler((events$) => events$.pipe(echo()));
    marbles(({ cold, expectObservable, expectSubscriptions, connect }) => {
      const input = cold('-a-i-b-p', { a, b, i: info('x'), p: peerClose(1000) });
      expectObservable(connect(handler, input)).toBe('-a---b-(t|)', {
        a,
        b,
        t: terminal(reasons.remote(1000)),
      });
      expectSubscriptions(input.subscriptions).toBe('^------!');
    });
    expect(handler.terminated).toEqual([reasons.remote(1000)]);
  });

  it('stops on a close command, dropping the rest', () => {
    const handler = pipelineHandler((events$) =>
      events$.pipe(
        framesOf('text'),
        mergeMap((frame) => (frame.data === 'b' ? of(close(4000, 'bye'), a) : of(frame))),
      ),
    );
    marbles(({ cold, expectObservable, connect }) => {
      expectObservable(connect(handler, cold('-a-b-a', { a, b }))).toBe('-a-(ct|)', {
        a,
        c: close(4000, 'bye'),
        t: terminal(reasons.stop),
      });
    });
    expect(handler.terminated).toEqual([reasons.stop]);
  });

  it('stops with 1000 when the pipeline completes', () => {
    const handler = pipelineHandler((events$) => events$.pipe(echo(), take(1)));
    marbles(({ cold, expectObservable, connect }) => {
      expectObservable(connect(handler, cold('-a-b', { a, b }))).toBe('-(act|)', {
        a,
        c: close(1000),
        t: terminal(reasons.stop),
      });
    });
  });

  it('crashes with 1011 when the pipeline errors', () => {
    const boom = new Error('boom');
    const handler = pipelineHandler((events$) =>
      events$.pipe(concatMap((e) => (e.type === 'info' ? throwError(() => boom) : of(a)))),
    );
    marbles(({ cold, expectObservable, connect }) => {
      expectObservable(connect(handler, cold('-a-i', { a, i: info('x') }))).toBe('-a-(ct|)', {
        a,
        c: close(1011),
        t: terminal(reasons.crash('pipeline', boom)),
      });
    });
  });

  it('crashes when the pipeline emits something that is not a command', () => {
    const handler = pipelineHandler((events$) =>
      events$.pipe(map(() => ({ type: 'bogus' }) as never)),
    );
    marbles(({ cold, expectObservable, connect }) => {
      const out = connect(handler, cold('-a', { a }));
      expectObservable(out).toBe('-(ct|)', {
        c: close(1011),
        t: terminal(
          reasons.crash('pipeline', {
            name: 'RodeoError',
            message: 'not a command: {"type":"bogus"}',
            code: 'RODEO_ERR_INVALID_RESULT',
          }),
        ),
      });
    });
  });

  it('times out like a callback handler, and unsubscribes pending inner work', () => {
    marbles(({ cold, expectObservable, expectSubscriptions, connect }) => {
      const slow = cold('----------x', { x: a });
      const handler = pipelineHandler((events$) => events$.pipe(mergeMap(() => slow)), 5);
      expectObservable(connect(handler, cold('-a', { a }))).toBe('------(ct|)', {
        c: close(1000),
        t: terminal(reasons.timeout),
      });
      expectSubscriptions(slow.subscriptions).toBe('-^----!');
    });
  });

  it('composes the public operators: typed JSON in, JSON out, decode errors answered', () => {
    const isAdd = (v: unknown): v is { add: number[] } =>
      typeof v === 'object' && v !== null && Array.isArray((v as { add?: unknown }).add);
    const handler = pipelineHandler((events$) =>
      events$.pipe(
        framesOf('text'),
        decodeJson(isAdd),
        map((d) =>
          d.type === 'json'
            ? { sum: d.value.add.reduce((x, y) => x + y, 0) }
            : { error: d.error.code },
        ),
        encodeJson(),
      ),
    );
    marbles(({ cold, expectObservable, connect }) => {
      const input = cold('-x-y', { x: text('{"add":[1,2]}'), y: text('{oops') });
      expectObservable(connect(handler, input)).toBe('-s-e', {
        s: text('{"sum":3}'),
        e: text('{"error":"RODEO_ERR_JSON_DECODE"}'),
      });
    });
  });

  it('gets info through infos() and ctx.ref from outside', () => {
    const handler = pipelineHandler((events$) =>
      events$.pipe(
        infos(),
        map((msg) => text(`info:${msg}`)),
      ),
    );
    marbles(({ cold, expectObservable, connect }) => {
      expectObservable(connect(handler, cold('-i-a', { i: info('hello'), a }))).toBe('-x--', {
        x: text('info:hello'),
      });
    });
  });

  it('keeps timers of the pipeline in virtual time', () => {
    const handler = pipelineHandler(() =>
      timer(3, 3).pipe(
        map((n) => text(String(n))),
        take(2),
      ),
    );
    marbles(({ cold, expectObservable, connect }) => {
      expectObservable(connect(handler, cold('-'))).toBe('---0--(1ct|)', {
        0: text('0'),
        1: text('1'),
        c: close(1000),
        t: terminal(reasons.stop),
      });
    });
  });
});
