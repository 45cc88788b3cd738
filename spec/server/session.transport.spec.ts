import { describe, expect, it } from 'vitest';
import {
  active,
  close,
  commands,
  ok,
  reasons,
  reply,
  request,
  text,
  upgrade,
  type Handler,
  type TerminateReason,
} from '../../src/index.js';
import { decideConnection } from '../../src/operators/init.js';
import { createRuntime, type ServerRuntime } from '../../src/server/runtime.js';
import { startSession } from '../../src/server/session.js';
import { MemoryTransport } from '../fixtures/memoryTransport.js';

/** A session on a memory transport, for `handler` with init's options. */
function session<S>(
  handler: Handler<S, string>,
  runtime: ServerRuntime = createRuntime({ routes: {} }),
) {
  const req = request({ path: '/m' });
  const decided = decideConnection<S>({ type: 'ok', result: handler.init(req) as never }, req);
  if (decided.type !== 'upgrade') throw new Error('no upgrade');
  const transport = new MemoryTransport();
  startSession({
    handler: handler as Handler<unknown, unknown>,
    plan: decided.plan,
    transport,
    version: 13,
    httpVersion: 'HTTP/1.1',
    server: runtime.context,
  });
  return { transport, runtime };
}

/** Echoes text; records terminate. */
function echo(options = {}): Handler<number, string> & { ended: TerminateReason[] } {
  const ended: TerminateReason[] = [];
  return {
    ended,
    init: () => upgrade(0, { idleTimeout: Infinity, ...options }),
    websocketHandle: (frame, n) =>
      frame.type === 'text' && frame.data === 'two'
        ? reply([text('a'), text('b')], n + 1)
        : frame.type === 'text'
          ? reply(frame, n + 1)
          : ok(n),
    websocketInfo: (info, n) => reply(text(info), n),
    terminate: (reason) => void ended.push(reason),
  };
}

describe('Session on an in-memory transport', () => {
  it('hands frames to the engine and sends the frames of one result as one batch', () => {
    const handler = echo();
    const { transport, runtime } = session(handler);
    transport.receive(text('hi'), text('two'));
    expect(transport.batches).toEqual([[text('hi')], [text('a'), text('b')]]);
    expect(runtime.metrics.framesIn).toBe(2);
    expect(runtime.metrics.framesOut).toBe(3);
  });

  it('ends with backpressure when the transport reports an overflow: close 1008, then the handshake', () => {
    const handler = echo();
    const { transport } = session(handler);
    transport.queuedBytes = 10;
    transport.overflowAt = 10;
    transport.receive(text('hi'));
    expect(transport.sent).toEqual([close(1008)]);
    expect(handler.ended).toEqual([reasons.backpressure]);
    expect(transport.calls).toContain('finish handshake');
    expect(transport.sink?.forwarding).toBe(false);
  });

  it('ends a member whose transport refuses a broadcast with backpressure, after the broadcast', async () => {
    const runtime = createRuntime({ routes: {} });
    const member = (): ReturnType<typeof echo> => {
      const handler = echo();
      handler.websocketInit = (n, ctx) => {
        runtime.registry.join('room', ctx.ref);
        return ok(n);
      };
      return handler;
    };
    const [slow, fast] = [member(), member()];
    const { transport: slowTransport } = session(slow, runtime);
    const { transport: fastTransport } = session(fast, runtime);
    slowTransport.queuedBytes = 10;
    slowTransport.overflowAt = 10;
    expect(runtime.registry.broadcast('room', text('news'))).toBe(1);
    expect(fastTransport.sent).toEqual([text('news')]);
    expect(slow.ended).toEqual([]);
    await new Promise((resolve) => process.nextTick(resolve));
    expect(slow.ended).toEqual([reasons.backpressure]);
    expect(slowTransport.sent).toEqual([close(1008)]);
    expect(runtime.registry.members('room')).toHaveLength(1);
    expect(fast.ended).toEqual([]);
  });

  it('stops reading while the handler paused it, and releases at once when the peer vanished', () => {
    const handler: Handler<null, string> = {
      init: () => upgrade(null, { idleTimeout: Infinity }),
      websocketHandle: (_f, s) => commands([active(false)], s),
      websocketInfo: (_i, s) => ok(s),
    };
    const { transport, runtime } = session(handler);
    transport.receive(text('pause'));
    expect(transport.reading).toBe(false);
    transport.peerEnds(reasons.error('closed'));
    expect(transport.calls).toEqual(['reading false', 'finish abrupt']);
    expect(runtime.metrics.terminated.error).toBe(1);
  });

  it('shuts down with 1001 through the tracker and resolves once the transport is released', async () => {
    const handler = echo();
    const { transport, runtime } = session(handler);
    const closing = runtime.context.tracker.close(1000);
    expect(transport.sent).toEqual([close(1001)]);
    transport.release();
    await closing;
    expect(handler.ended).toEqual([reasons.shutdown]);
    expect(runtime.metrics.open).toBe(0);
  });
});
