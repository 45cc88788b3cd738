import { map } from 'rxjs';
import { afterEach, describe, expect, it } from 'vitest';
import {
  commands,
  ok,
  reply,
  setOptions,
  text,
  upgrade,
  type ConnectionRef,
  type Handler,
  type InFrame,
  type InitResult,
  type PipelineHandler,
  type Result,
} from '../../src/index.js';
import { probe } from '../fixtures/serverHandlers.js';
import { client, closeAll, closed, message, rawPeer, start, wsUrl } from './support.js';

afterEach(closeAll);

describe('ConnectionRef mailbox', () => {
  it('delivers info in order, interleaved with frames; send() is false once the connection ended', async () => {
    const handler = probe<null, string>();
    const server = await start({ '/m': handler });
    const ws = await client(wsUrl(server, '/m'));
    const ref = handler.contexts[0]?.ref as ConnectionRef<string>;
    expect(ref.closed).toBe(false);
    for (let i = 0; i < 50; i++) expect(ref.send(`info ${i}`)).toBe(true);
    for (let i = 0; i < 50; i++) expect((await message(ws)).data.toString()).toBe(`info ${i}`);
    ws.close(1000);
    await handler.terminated();
    expect(ref.closed).toBe(true);
    expect(ref.send('too late')).toBe(false);
  });

  it('refuses info from terminate itself: nothing runs after terminate', async () => {
    const calls: string[] = [];
    const handler = probe<null, string>({
      websocketInfo: (info, state) => {
        calls.push(info);
        return reply(text(info), state);
      },
    });
    const sendsFromTerminate = {
      ...handler,
      terminate: (...args: Parameters<NonNullable<typeof handler.terminate>>) => {
        calls.push(`send during terminate: ${String(handler.contexts[0]?.ref.send('late'))}`);
        handler.terminate?.(...args);
      },
    };
    const server = await start({ '/m': sendsFromTerminate });
    const ws = await client(wsUrl(server, '/m'));
    ws.close(1000);
    await handler.terminated();
    expect(calls).toEqual(['send during terminate: false']);
    expect(handler.contexts[0]?.ref.closed).toBe(true);
  });

  it('serializes a ref as its id and whether it is closed', async () => {
    const handler = probe<null, string>();
    const server = await start({ '/m': handler });
    await client(wsUrl(server, '/m'));
    const ref = handler.contexts[0]?.ref as ConnectionRef<string>;
    expect(JSON.parse(JSON.stringify(ref))).toEqual({ id: ref.id, closed: false });
  });

  it('gives every connection its own id', async () => {
    const handler = probe<null, string>();
    const server = await start({ '/m': handler });
    await Promise.all([1, 2, 3].map(() => client(wsUrl(server, '/m'))));
    expect(new Set(handler.contexts.map((ctx) => ctx.ref.id)).size).toBe(3);
  });
});

describe('runtime options', () => {
  it('setOptions({ maxFrameSize }) takes effect on the next message, also after inflation', async () => {
    const handler = probe<null, string>(
      {
        websocketHandle: (frame, state) =>
          frame.type === 'text' && frame.data === 'shrink'
            ? commands([setOptions({ maxFrameSize: 100 }), text('shrunk')], state)
            : reply(frame, state),
      },
      { compress: true },
    );
    const server = await start({ '/o': handler });
    const ws = await client(wsUrl(server, '/o'), { perMessageDeflate: { threshold: 0 } });
    ws.send('x'.repeat(1000));
    expect((await message(ws)).data.length).toBe(1000);
    ws.send('shrink');
    expect((await message(ws)).data.toString()).toBe('shrunk');
    const peerSaw = closed(ws);
    ws.send('x'.repeat(101));
    expect((await peerSaw).code).toBe(1009);
    expect((await handler.terminated()).reason).toEqual({ type: 'error', error: 'badsize' });
  });

  it('setOptions({ maxFrameSize }) can raise the limit', async () => {
    const handler = probe<null, string>(
      {
        websocketInit: (state) => commands([setOptions({ maxFrameSize: 4096 })], state),
      },
      { maxFrameSize: 10 },
    );
    const server = await start({ '/o': handler });
    const peer = await rawPeer(server, '/o');
    peer.send({ opcode: 0x1, payload: 'y'.repeat(4096) });
    expect((await peer.frame()).payload.length).toBe(4096);
  });

  it('received pings reset the idle timer', async () => {
    const handler = probe<null, string>({}, { idleTimeout: 100 });
    const server = await start({ '/o': handler });
    const ws = await client(wsUrl(server, '/o'));
    let pongs = 0;
    const enough = new Promise<void>((resolve) =>
      ws.on('pong', () => {
        if (++pongs === 30) resolve();
      }),
    );
    const pinger = setInterval(() => ws.ping(), 10);
    await enough;
    clearInterval(pinger);
    // 30 pings × 10 ms outlived the 100 ms timeout: the connection is still there.
    expect(handler.terminations).toEqual([]);
    expect((await closed(ws)).code).toBe(1000);
    expect((await handler.terminated()).reason).toEqual({ type: 'timeout' });
  });
});

describe('other handler forms and failures', () => {
  it('runs a pipeline handler', async () => {
    const upper: PipelineHandler<null, never> = {
      init: () => upgrade(null),
      pipeline: (events$) =>
        events$.pipe(
          map((event) =>
            event.type === 'frame' && event.frame.type === 'text'
              ? text(event.frame.data.toUpperCase())
              : text('?'),
          ),
        ),
    };
    const server = await start({ '/p': upper });
    const ws = await client(wsUrl(server, '/p'));
    ws.send('shout');
    expect((await message(ws)).data.toString()).toBe('SHOUT');
  });

  it.each([
    ['with websocketInit', true],
    ['without websocketInit', false],
  ])('keeps `this` of a class-based handler %s', async (_name, withInit) => {
    const seen: string[] = [];
    class Greeter implements Handler<null, string> {
      readonly greeting = 'hello';
      init(): InitResult<null> {
        seen.push(`init ${this.greeting}`);
        return upgrade(null);
      }
      websocketHandle(_frame: InFrame, state: null): Result<null> {
        return reply(text(this.greeting), state);
      }
      websocketInfo(_info: string, state: null): Result<null> {
        return reply(text(`${this.greeting} info`), state);
      }
      terminate(): void {
        seen.push(`terminate ${this.greeting}`);
      }
    }
    class GreeterWithInit extends Greeter {
      websocketInit(state: null): Result<null> {
        seen.push(`websocketInit ${this.greeting}`);
        return ok(state);
      }
    }
    const server = await start({ '/g': withInit ? new GreeterWithInit() : new Greeter() });
    const ws = await client(wsUrl(server, '/g'));
    ws.send('hi');
    expect((await message(ws)).data.toString()).toBe('hello');
    const peerSaw = closed(ws);
    ws.close(1000);
    await peerSaw;
    await server.close();
    expect(seen).toEqual(
      withInit
        ? ['init hello', 'websocketInit hello', 'terminate hello']
        : ['init hello', 'terminate hello'],
    );
  });

  it('reports a throwing terminate and a throwing logger without harm', async () => {
    const logged: string[] = [];
    const logger = {
      debug: () => {
        throw new Error('bad logger');
      },
      info: () => undefined,
      warn: () => undefined,
      error: (_obj: object, msg?: string) => void logged.push(msg ?? ''),
    };
    const handler = {
      ...probe<null, string>(),
      terminate: () => {
        throw new Error('terminate failed');
      },
    };
    const server = await start({ '/t': handler }, { logger });
    const ws = await client(wsUrl(server, '/t'));
    const peerSaw = closed(ws);
    ws.close(1000);
    await peerSaw;
    await server.close();
    expect(logged).toEqual(['handler error']);
  });

  it('reports remote as soon as the close frame arrives, even if the peer keeps TCP open', async () => {
    const handler = probe<null, string>();
    const server = await start({ '/t': handler });
    const peer = await rawPeer(server, '/t');
    const payload = Buffer.from([0x03, 0xe8, 0x62, 0x79, 0x65]);
    peer.send({ opcode: 0x8, payload });
    expect((await handler.terminated()).reason).toEqual({
      type: 'remote',
      close: { code: 1000, reason: 'bye' },
    });
    expect(peer.socket.destroyed).toBe(false);
    expect(await peer.closeCode()).toBe(1000);
  });
});
