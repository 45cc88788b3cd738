import { describe, expect, it } from 'vitest';
import { firstValueFrom, from, Subject } from 'rxjs';
import { reasons, request, text, type Handler, type TerminateReason } from 'rodeo';
import { runConnection, type TestInput } from 'rodeo/testing';
import { quotes, type Asked, type Halt } from './quotes.js';

describe('quotes from a Promise-based price source', () => {
  it('replies once the Promise settles (real time: promises settle outside virtual time)', async () => {
    let settle: (price: number) => void = () => undefined;
    const price = new Promise<number>((resolve) => (settle = resolve));
    let ended: TerminateReason | undefined;
    const handler: Handler<Asked, Halt> = {
      ...quotes(() => from(price)),
      terminate: (reason) => void (ended = reason),
    };
    const input = new Subject<TestInput<Halt>>();
    const req = request({ query: { token: 't' } });
    // The first output; taking it unsubscribes, which ends the connection like a lost socket.
    const first = firstValueFrom(runConnection(handler, input, { req }));
    input.next(text('IBM'));
    settle(142);
    expect(await first).toEqual(text('IBM 142'));
    expect(ended).toEqual(reasons.error('closed'));
  });
});
