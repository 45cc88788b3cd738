import { describe, it } from 'vitest';
import { text, idleTimeout, reasons, type ConnectionEvent } from 'rodeo';
import { info, marbles } from 'rodeo/testing';

const f: ConnectionEvent<string> = { type: 'frame', frame: text('x') };
const i = info('tick');
const e: ConnectionEvent<string> = { type: 'end', reason: reasons.timeout };

describe('idleTimeout', () => {
  it('appends end(timeout) once no frame arrived for the duration, then completes', () => {
    marbles(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-f--i-f---------', { f, i });
      expectObservable(source.pipe(idleTimeout(6))).toBe('-f--i-f-----(e|)', { f, i, e });
      expectSubscriptions(source.subscriptions).toBe('^-----------!');
    });
  });

  it('takes new durations from an Observable, restarting the wait at each', () => {
    marbles(({ cold, hot, expectObservable }) => {
      const source = cold('-f----------', { f });
      const durations = hot('a--b', { a: 3, b: 10 });
      expectObservable(source.pipe(idleTimeout(durations))).toBe('-f- 10ms (e|)', { f, e });
    });
  });

  it('never fires with Infinity', () => {
    marbles(({ cold, expectObservable }) => {
      expectObservable(cold('-f 1000ms |', { f }).pipe(idleTimeout(Infinity))).toBe('-f 1000ms |', {
        f,
      });
    });
  });

  it('passes errors and completion through, cancelling its timer', () => {
    marbles(({ cold, expectObservable }) => {
      expectObservable(cold('-f#', { f }).pipe(idleTimeout(5))).toBe('-f#', { f });
      expectObservable(cold('-f|', { f }).pipe(idleTimeout(5))).toBe('-f|', { f });
    });
  });

  it('errors when the durations Observable errors', () => {
    marbles(({ cold, expectObservable }) => {
      expectObservable(cold('-f--', { f }).pipe(idleTimeout(cold('a-#', { a: 10 })))).toBe('-f#', {
        f,
      });
    });
  });

  it('releases the source and the timer on early unsubscription', () => {
    marbles(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-f-f-f', { f });
      expectObservable(source.pipe(idleTimeout(2)), '^--!').toBe('-f-', { f });
      expectSubscriptions(source.subscriptions).toBe('^--!');
    });
  });
});
