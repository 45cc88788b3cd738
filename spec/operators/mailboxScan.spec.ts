import { describe, expect, it } from 'vitest';
import { of, Subject, type Observable } from 'rxjs';
import { mailboxScan } from 'rodeo';
import { marbles } from 'rodeo/testing';

describe('mailboxScan', () => {
  it('accumulates synchronously like scan', () => {
    marbles(({ cold, expectObservable }) => {
      const source = cold('-a-b-c|', { a: 1, b: 2, c: 3 });
      expectObservable(source.pipe(mailboxScan((acc: number, v: number) => acc + v, 0))).toBe(
        '-x-y-z|',
        { x: 1, y: 3, z: 6 },
      );
    });
  });

  it('waits for an Observable result, queueing later values in order', () => {
    marbles(({ cold, expectObservable, expectSubscriptions }) => {
      const slow = cold('--A|', { A: 'A' });
      const source = cold('-abc|', { a: 'a', b: 'b', c: 'c' });
      const result = source.pipe(
        mailboxScan(
          (acc: string, v: string): string | Observable<string> => (v === 'a' ? slow : acc + v),
          '',
        ),
      );
      expectObservable(result).toBe('---x(yz|)', { x: 'A', y: 'Ab', z: 'Abc' });
      expectSubscriptions(slow.subscriptions).toBe('-^--!');
    });
  });

  it('emits every value of an Observable result as the new accumulation', () => {
    marbles(({ cold, expectObservable }) => {
      const source = cold('-a 5ms (b|)', { a: 1, b: 10 });
      const result = source.pipe(
        mailboxScan((acc: number, v: number) => of(acc + v, acc + 2 * v), 0),
      );
      expectObservable(result).toBe('-(xy) 2ms (zw|)', { x: 1, y: 2, z: 12, w: 22 });
    });
  });

  it('completes only after the pending result completes', () => {
    marbles(({ cold, expectObservable }) => {
      const slow = cold('---x|', { x: 5 });
      expectObservable(cold('-a|').pipe(mailboxScan(() => slow, 0))).toBe('----x|', { x: 5 });
    });
  });

  it('errors when the accumulator throws, or its result errors', () => {
    marbles(({ cold, expectObservable }) => {
      const boom = new Error('boom');
      expectObservable(
        cold('-a').pipe(
          mailboxScan(() => {
            throw boom;
          }, 0),
        ),
      ).toBe('-#', undefined, boom);
      expectObservable(cold('-a').pipe(mailboxScan(() => cold('-#', {}, boom), 0))).toBe(
        '--#',
        undefined,
        boom,
      );
      expectObservable(cold('-#', {}, boom).pipe(mailboxScan((x: number) => x, 0))).toBe(
        '-#',
        undefined,
        boom,
      );
    });
  });

  it('drops the queue and unsubscribes the pending result on unsubscription', () => {
    marbles(({ cold, expectObservable, expectSubscriptions }) => {
      const slow = cold('-----x', { x: 1 });
      const source = cold('-aaa', { a: 0 });
      expectObservable(source.pipe(mailboxScan(() => slow, 0)), '^---!').toBe('-----');
      expectSubscriptions(slow.subscriptions).toBe('-^--!');
      expectSubscriptions(source.subscriptions).toBe('^---!');
    });
  });

  it('waits for a Promise result, in order, without reordering sync ones', async () => {
    const source = new Subject<number>();
    const seen: number[] = [];
    let resolve: (n: number) => void = () => undefined;
    source
      .pipe(
        mailboxScan(
          (acc: number, v: number) =>
            v === 1 ? new Promise<number>((r) => (resolve = r)) : acc + v,
          0,
        ),
      )
      .subscribe((x) => seen.push(x));
    source.next(1);
    source.next(2);
    source.next(3);
    expect(seen).toEqual([]);
    resolve(100);
    await Promise.resolve();
    await Promise.resolve();
    expect(seen).toEqual([100, 102, 105]);
  });

  it('queues values that arrive re-entrantly while a result is being emitted', () => {
    const source = new Subject<string>();
    const seen: string[] = [];
    source.pipe(mailboxScan((_acc: string, v: string) => v, '')).subscribe((x) => {
      seen.push(`start ${x}`);
      if (x === 'a') source.next('b');
      seen.push(`end ${x}`);
    });
    source.next('a');
    expect(seen).toEqual(['start a', 'end a', 'start b', 'end b']);
  });
});
