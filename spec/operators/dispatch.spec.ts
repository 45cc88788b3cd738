import { filter, map, merge, throwError, type Observable } from 'rxjs';
import { describe, it } from 'vitest';
import {
  dispatch,
  reasons,
  text,
  type ConnectionEvent,
  type ConnectionOutput,
  type HandlerEvent,
} from 'rodeo';
import { info, marbles, peerClose, terminal } from 'rodeo/testing';

const f = text('f');
const events = {
  f: { type: 'frame', frame: f },
  i: info('i'),
  e: peerClose(),
} as const satisfies Record<string, ConnectionEvent<string>>;

/** Echoes frames, drops info. */
const echoFrames = (messages$: Observable<HandlerEvent<string>>): Observable<ConnectionOutput> =>
  messages$.pipe(
    filter((event) => event.type === 'frame'),
    map((event) => event.frame),
  );

describe('dispatch', () => {
  it('hands frames and info to the behaviour and turns the end into a terminal', () => {
    marbles(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold<ConnectionEvent<string>>('-f-i--e-f|', events);
      expectObservable(source.pipe(dispatch(echoFrames))).toBe('-f----t--|', {
        f,
        t: terminal(reasons.remote()),
      });
      expectSubscriptions(source.subscriptions).toBe('^--------!');
    });
  });

  it('lets the behaviour subscribe to the messages more than once', () => {
    marbles(({ cold, expectObservable }) => {
      const both = (messages$: Observable<HandlerEvent<string>>): Observable<ConnectionOutput> =>
        merge(
          echoFrames(messages$),
          messages$.pipe(
            filter((event) => event.type === 'info'),
            map((event) => text(`info ${String(event.info)}`)),
          ),
        );
      const source = cold<ConnectionEvent<string>>('-f-i-e', events);
      expectObservable(source.pipe(dispatch(both))).toBe('-f-j-t', {
        f,
        j: text('info i'),
        t: terminal(reasons.remote()),
      });
    });
  });

  it('keeps what the source emits before the behaviour listens, its end included', () => {
    marbles(({ cold, expectObservable }) => {
      const t = terminal(reasons.remote());
      expectObservable(cold('(fe)', events).pipe(dispatch(echoFrames))).toBe('(ft)', { f, t });
      expectObservable(cold('(f|)', events).pipe(dispatch(echoFrames))).toBe('(f|)', { f });
      expectObservable(cold('(f#)', events).pipe(dispatch(echoFrames))).toBe('(f#)', { f });
    });
  });

  it("passes the behaviour's error and completion, and the source's later ones", () => {
    marbles(({ cold, expectObservable }) => {
      const failing = (): Observable<ConnectionOutput> => throwError(() => 'boom');
      expectObservable(cold('-f', events).pipe(dispatch(failing))).toBe('#', {}, 'boom');
      expectObservable(cold('-f-#', events).pipe(dispatch(echoFrames))).toBe('-f-#', { f });
    });
  });

  it('lets go of the source and the behaviour when unsubscribed early', () => {
    marbles(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold<ConnectionEvent<string>>('-f-f-f', events);
      expectObservable(source.pipe(dispatch(echoFrames)), '^--!').toBe('-f-', { f });
      expectSubscriptions(source.subscriptions).toBe('^--!');
    });
  });
});
