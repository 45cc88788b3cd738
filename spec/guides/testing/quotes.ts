import { map, take, type Observable } from 'rxjs';
import { ok, reply, respond, stop, text, upgrade, type Handler } from 'rodeo';

/** Where prices come from (a database, another service): one price per symbol asked. */
export type Prices = (symbol: string) => Observable<number>;

/** What the rest of the app may tell a connection, through its `ctx.ref`. */
export interface Halt {
  readonly type: 'halt';
  readonly symbol: string;
}

/** How many symbols this connection asked about. */
export interface Asked {
  readonly count: number;
}

/**
 * Answers a symbol (`IBM`) with its price (`IBM 142`), forwards trading halts, says goodbye on
 * `bye`, and refuses a connection without a token. Prices come from outside: tests pass their own.
 */
export function quotes(prices: Prices): Handler<Asked, Halt> {
  return {
    init: (req) =>
      req.query['token'] === undefined
        ? respond(401, {}, 'a token is required')
        : upgrade({ count: 0 }, { idleTimeout: 30_000 }),
    websocketHandle: (frame, asked) => {
      if (frame.type !== 'text') return ok(asked);
      if (frame.data === 'bye') return stop(asked);
      const symbol = frame.data;
      const next = { count: asked.count + 1 };
      // One answer, then done: the next message waits until this result completes.
      return prices(symbol).pipe(
        take(1),
        map((price) => reply(text(`${symbol} ${price}`), next)),
      );
    },
    websocketInfo: (halt, asked) => reply(text(`halted: ${halt.symbol}`), asked),
  };
}
