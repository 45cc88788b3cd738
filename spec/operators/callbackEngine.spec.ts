import { describe, expect, it } from 'vitest';
import {
  concat,
  filter,
  map,
  mergeMap,
  Observable,
  of,
  throwError,
  timer,
  type OperatorFunction,
} from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import {
  close,
  commands,
  composedConnection,
  connection,
  hibernate,
  ok,
  ping,
  reasons,
  reply,
  setOptions,
  shutdownReason,
  stop,
  text,
  type CallResult,
  type ConnectionEvent,
  type ConnectionOutput,
  type ConnectionSetup,
  type Handler,
  type Result,
} from 'rodeo';
import { testContext, type TestContext } from 'rodeo/testing';

/**
 * `connection` runs callback handlers on a fused engine; `composedConnection` is the same engine
 * built from the public operators. Both must do exactly the same thing: same outputs at the same
 * virtual times, same handler calls with the same states, same terminate. Checked here on seeded
 * random scripts: events (frames, pings, info, every end, input completing or failing, the consumer
 * leaving) against handlers answering every kind of result, now or later, valid or not.
 */

type Engine = <S, I>(
  handler: Handler<S, I>,
  setup: ConnectionSetup<S, I>,
) => OperatorFunction<ConnectionEvent<I>, ConnectionOutput>;

function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function pick<T>(next: () => number, items: readonly T[]): T {
  return items[Math.floor(next() * items.length)] as T;
}

interface Script {
  readonly withInit: boolean;
  readonly idleTimeout: number;
  readonly events: readonly { readonly at: number; readonly event: ConnectionEvent<string> }[];
  readonly finish: 'complete' | 'error' | 'none';
  readonly unsubscribeAt: number | null;
  readonly terminateThrows: boolean;
  /** Events at time 0 are emitted while the engine subscribes, not later. */
  readonly syncStart: boolean;
}

const ENDS: readonly ConnectionEvent<string>[] = [
  { type: 'end', reason: reasons.remote(1000, 'bye') },
  { type: 'end', reason: reasons.remote() },
  { type: 'end', reason: reasons.error('badframe') },
  { type: 'end', reason: reasons.error('closed') },
  { type: 'end', reason: reasons.shutdown },
  { type: 'end', reason: reasons.backpressure },
];

function script(seed: number): Script {
  const next = random(seed);
  const events: { at: number; event: ConnectionEvent<string> }[] = [];
  let at = 0;
  const count = Math.floor(next() * 12);
  for (let i = 0; i < count; i++) {
    at += Math.floor(next() * 6);
    const roll = next();
    const event: ConnectionEvent<string> =
      roll < 0.6
        ? { type: 'frame', frame: text(`m${i}`) }
        : roll < 0.7
          ? { type: 'frame', frame: ping(Buffer.from(`p${i}`)) }
          : roll < 0.93
            ? { type: 'info', info: `i${i}` }
            : pick(next, ENDS);
    events.push({ at, event });
  }
  return {
    withInit: next() < 0.4,
    idleTimeout: pick(next, [Infinity, 4, 9, 30]),
    events,
    finish: pick(next, ['complete', 'error', 'none', 'none'] as const),
    unsubscribeAt: next() < 0.2 ? Math.floor(next() * 40) : null,
    terminateThrows: next() < 0.1,
    syncStart: next() < 0.3,
  };
}

type Log = unknown[];

/** A handler whose n-th call answers the n-th decision drawn from `seed`, logging every call. */
function scriptedHandler(seed: number, log: Log): Handler<number, string> {
  const next = random(seed ^ 0x9e3779b9);
  const answer = (state: number, ctx: { ref: { send(info: string): boolean } }): Result<number> => {
    const s = state + 1;
    const roll = Math.floor(next() * 20);
    switch (roll) {
      case 0:
        return ok(s);
      case 1:
        return ok(s, hibernate);
      case 2:
        return reply(text(`r${s}`), s);
      case 3:
        return reply([text(`a${s}`), text(`b${s}`)], s, hibernate);
      case 4:
        return commands(
          [text(`c${s}`), setOptions({ idleTimeout: pick(next, [3, 7, Infinity]) })],
          s,
        );
      case 5:
        return commands([shutdownReason(`why${s}`), text(`d${s}`)], s);
      case 6:
        return commands([text(`e${s}`), close(4000), text(`never${s}`)], s);
      case 7:
        return stop(s);
      case 8:
        throw new Error(`thrown ${s}`);
      case 9:
        return 42 as unknown as CallResult<number>;
      case 10:
        return timer(Math.floor(next() * 5)).pipe(map(() => reply(text(`late${s}`), s)));
      case 11:
        return concat(of(ok(s)), timer(2).pipe(map(() => reply(text(`twice${s}`), s + 1))));
      case 12:
        return timer(1).pipe(map(() => stop(s)));
      case 13:
        return timer(1).pipe(
          filter(() => false),
          map(() => ok(s)),
        );
      case 14:
        return of(ok(s), reply(text(`sync${s}`), s + 1), stop(s + 2));
      case 15:
        return timer(1).pipe(mergeMap(() => throwError(() => new Error(`async ${s}`))));
      case 16:
        ctx.ref.send(`self${s}`);
        return reply(text(`sent${s}`), s);
      case 17:
        return commands([text(`f${s}`), close(4001), text(`never${s}`)], s, hibernate);
      case 18:
        // The consumer answers `overflow` with a backpressure end, as the server's writer does.
        return reply([text('overflow'), text(`dropped${s}`)], s, hibernate);
      default:
        return reply([text(`x${s}`), ping(Buffer.alloc(200))], s);
    }
  };
  return {
    init: () => {
      throw new Error('not used');
    },
    websocketInit: (state, ctx) => {
      log.push(['init', state]);
      return answer(state, ctx);
    },
    websocketHandle: (frame, state, ctx) => {
      log.push(['handle', frame, state]);
      return answer(state, ctx);
    },
    websocketInfo: (info, state, ctx) => {
      log.push(['info', info, state]);
      return answer(state, ctx);
    },
    terminate: (reason, _req, state) => {
      log.push(['terminate', reason, state]);
    },
  };
}

function run(engine: Engine, seed: number): Log {
  const plan = script(seed);
  const log: Log = [];
  const scheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
  scheduler.run(() => {
    const { websocketInit, ...base } = scriptedHandler(seed, log);
    const handler: Handler<number, string> = {
      ...base,
      ...(plan.withInit && websocketInit ? { websocketInit } : {}),
      terminate: (reason, req, state) => {
        base.terminate?.(reason, req, state);
        if (plan.terminateThrows) throw new Error('terminate failed');
      },
    };
    const ctx: TestContext<string> = testContext<string>();
    let overflow = (): void => undefined;
    const input$ = new Observable<ConnectionEvent<string>>((subscriber) => {
      overflow = () => subscriber.next({ type: 'end', reason: reasons.backpressure });
      const mail = ctx.mailbox$.subscribe((event) => subscriber.next(event));
      const later = plan.syncStart ? plan.events.filter(({ at }) => at > 0) : plan.events;
      if (plan.syncStart) {
        for (const { event } of plan.events.filter(({ at }) => at === 0)) subscriber.next(event);
      }
      const timers = later.map(({ at, event }) =>
        timer(at).subscribe(() => subscriber.next(event)),
      );
      const last = (plan.events.at(-1)?.at ?? 0) + 1;
      const end =
        plan.finish === 'none'
          ? undefined
          : timer(last).subscribe(() =>
              plan.finish === 'complete'
                ? subscriber.complete()
                : subscriber.error(new Error('input failed')),
            );
      return () => {
        mail.unsubscribe();
        timers.forEach((t) => t.unsubscribe());
        end?.unsubscribe();
      };
    });
    const subscription = input$
      .pipe(
        engine(handler, {
          state: 0,
          ctx,
          idleTimeout: plan.idleTimeout,
          scheduler,
          onError: (error, where) => log.push(['error', where, error]),
          onTerminate: () => log.push([scheduler.now(), 'onTerminate']),
        }),
      )
      .subscribe({
        next: (output) => {
          log.push([scheduler.now(), output]);
          if (output.type === 'text' && output.data === 'overflow') overflow();
          if (output.type === 'terminal') ctx.end();
        },
        error: (error: unknown) => log.push(['errored', error]),
        complete: () => log.push([scheduler.now(), 'complete']),
      });
    if (plan.unsubscribeAt !== null) {
      timer(plan.unsubscribeAt).subscribe(() => {
        subscription.unsubscribe();
        log.push([scheduler.now(), 'unsubscribed']);
      });
    }
    // Bounds the run: a connection with no idle timeout and no end would otherwise stay open.
    timer(200).subscribe(() => subscription.unsubscribe());
  });
  return log;
}

describe('the fused callback engine', () => {
  const seeds = process.env.SEED
    ? [Number(process.env.SEED)]
    : Array.from({ length: 400 }, (_, i) => i + 1);

  it.each(seeds)('agrees with the composition of the public operators (seed %i)', (seed) => {
    const fused = run(connection as Engine, seed);
    const composed = run(composedConnection as Engine, seed);
    expect(fused).toEqual(composed);
    expect(fused.some((entry) => (entry as unknown[])[0] === 'terminate')).toBe(true);
  });
});
