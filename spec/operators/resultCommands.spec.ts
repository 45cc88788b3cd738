import { describe, it } from 'vitest';
import { take } from 'rxjs';
import {
  type CallResult,
  close,
  commands,
  deflate,
  hibernate,
  ok,
  reply,
  resultCommands,
  stop,
  text,
} from 'rodeo';
import { hibernated, marbles } from 'rodeo/testing';

const a = text('a');
const b = text('b');

describe('resultCommands', () => {
  it('flattens each result into its commands, in order', () => {
    marbles(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-r 4ms o h 4ms c 6ms s|', {
        r: reply([a, b], 0),
        o: ok(0),
        h: ok(0, hibernate),
        c: commands([deflate(false), a], 0, hibernate),
        s: stop(0),
      });
      expectObservable(source.pipe(resultCommands())).toBe('-(ab) 1ms - h 4ms (dah) 2ms x|', {
        a,
        b,
        h: hibernated,
        d: deflate(false),
        x: close(1000),
      });
      expectSubscriptions(source.subscriptions).toBe('^ 19ms !');
    });
  });

  it('stops emitting a list as soon as the consumer unsubscribes', () => {
    marbles(({ cold, expectObservable }) => {
      const source = cold('-r', { r: reply([a, b, a], 0, hibernate) });
      expectObservable(source.pipe(resultCommands(), take(2))).toBe('-(ab|)', { a, b });
    });
  });

  it('passes errors through', () => {
    marbles(({ cold, expectObservable }) => {
      expectObservable(cold<CallResult<number>>('-#').pipe(resultCommands())).toBe('-#');
    });
  });
});
