import { TestScheduler } from 'rxjs/testing';
import { describe, expect, it } from 'vitest';
import { BYE, pipelineEchoHandler } from '../../examples/pipeline-echo.js';
import {
  binary,
  close,
  connection,
  ping,
  reasons,
  text,
  type ConnectionEvent,
} from '../../src/index.js';
import { closed, end, fakeContext, frame, liveServer } from './support.js';

const bytes = Uint8Array.of(7, 8, 9);
const scheduler = (): TestScheduler => new TestScheduler((a, e) => expect(a).toEqual(e));

describe('pipelineEchoHandler (marbles)', () => {
  it('echoes text and binary until bye, then closes with 1000', () => {
    scheduler().run(({ hot, expectObservable, expectSubscriptions }) => {
      const events = hot<ConnectionEvent<never>>('-a-p-b-y-a', {
        a: frame(text('hi')),
        p: frame(ping()),
        b: frame(binary(bytes)),
        y: frame(text(BYE)),
      });
      const output = events.pipe(
        connection(pipelineEchoHandler(), { state: null, ctx: fakeContext().ctx }),
      );
      expectObservable(output).toBe('-a---b-(ct|)', {
        a: text('hi'),
        b: binary(bytes),
        c: close(BYE),
        t: { type: 'terminal', reason: reasons.stop },
      });
      expectSubscriptions(events.subscriptions).toBe('^------!');
    });
  });

  it('ends with the peer', () => {
    scheduler().run(({ hot, expectObservable }) => {
      const events = hot<ConnectionEvent<never>>('-a-e', {
        a: frame(text('hi')),
        e: end(reasons.error('closed')),
      });
      const output = events.pipe(
        connection(pipelineEchoHandler(), { state: null, ctx: fakeContext().ctx }),
      );
      expectObservable(output).toBe('-a-(t|)', {
        a: text('hi'),
        t: { type: 'terminal', reason: reasons.error('closed') },
      });
    });
  });
});

describe('pipelineEchoHandler (real sockets)', () => {
  const live = liveServer();

  it('echoes, then closes with 1000 on bye', async () => {
    const routes = { '/pipe': pipelineEchoHandler() };
    await live.start({ routes });
    const { socket, inbox } = await live.open('/pipe');
    socket.send('hi');
    expect(await inbox.text()).toBe('hi');
    socket.send(Buffer.from(bytes));
    expect(await inbox.next()).toEqual({ data: Buffer.from(bytes), isBinary: true });
    const done = closed(socket);
    socket.send(BYE);
    expect(await done).toEqual({ code: 1000, reason: BYE });
  });
});
