import { afterEach, describe, expect, it } from 'vitest';
import type WebSocket from 'ws';
import {
  ok,
  reasons,
  reply,
  text,
  type ConnectionRef,
  type Handler,
  type Result,
} from '../../src/index.js';
import { MAILBOX_SLICE } from '../../src/operators/mailbox.js';
import { MAX_EVENTS_PER_TURN } from '../../src/server/ws/socketEvents.js';
import { probe } from '../fixtures/serverHandlers.js';
import {
  client,
  closeAll,
  closed,
  encodeFrame,
  message,
  rawPeer,
  start,
  wsUrl,
} from './support.js';

afterEach(closeAll);

/** A gate the test opens: the busy handler's first result waits for it. */
function gate(): { readonly promise: Promise<void>; open(): void } {
  let open = (): void => undefined;
  const promise = new Promise<void>((resolve) => (open = resolve));
  return { promise, open };
}

/** Polls `condition` every few ms until it holds; fails after `ms`. */
async function until(condition: () => boolean, ms = 15_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not reached in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** Round trips of `echo`, one after another, while `busy()` holds; returns each in ms. */
async function roundTrips(echo: WebSocket, busy: () => boolean): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; busy() || i < 5; i++) {
    const sent = performance.now();
    echo.send(`rtt ${i}`);
    await message(echo);
    times.push(performance.now() - sent);
  }
  return times;
}

/** Counts event-loop turns (one `setImmediate` per turn) until stopped. */
function turns(): { readonly current: number; stop(): void } {
  const counter = { current: 0, stop: () => clearImmediate(immediate) };
  const tick = (): void => {
    counter.current++;
    immediate = setImmediate(tick);
  };
  let immediate = setImmediate(tick);
  return counter;
}

/**
 * The first frame waits for `opened`; every frame is counted, and so are the frames handled in
 * one turn of the event loop (the most any turn saw).
 */
function busyCounter(
  opened: Promise<void>,
  loop: { readonly current: number },
): Handler<number> & { frames: number; mostInOneTurn: number } {
  let turn = -1;
  let inTurn = 0;
  const handler = {
    frames: 0,
    mostInOneTurn: 0,
    init: () => ({ type: 'upgrade' as const, state: 0, options: { idleTimeout: Infinity } }),
    websocketHandle: (_frame: unknown, n: number): Result<number> => {
      handler.frames++;
      if (loop.current !== turn) [turn, inTurn] = [loop.current, 0];
      handler.mostInOneTurn = Math.max(handler.mostInOneTurn, ++inTurn);
      return n === 0 ? opened.then(() => ok(1)) : ok(n + 1);
    },
    websocketInfo: (_info: unknown, n: number) => ok(n),
  };
  return handler;
}

const FLOOD = 150_000;

describe('flow control: a client flooding a busy handler', () => {
  it('stops reading at the mailbox bound (TCP pushes back), loses nothing, and stalls no one', async () => {
    const release = gate();
    const loop = turns();
    const slow = busyCounter(release.promise, loop);
    const server = await start({ '/slow': slow, '/echo': probe() });
    const echo = await client(wsUrl(server, '/echo'));
    const flooder = await rawPeer(server, '/slow');
    // 150 000 one-byte text frames (about 1 MB on the wire), written at once.
    const one = encodeFrame({ opcode: 0x1, payload: 'x' });
    flooder.write(Buffer.concat(Array.from({ length: FLOOD }, () => one)));

    // While the handler is busy: the mailbox fills up to its high-water mark and reading stops.
    let queuedBefore = -1;
    const whileBusy = await roundTrips(echo, () => {
      const queued = server.metrics.mailboxQueued;
      const settled = queued > 0 && queued === queuedBefore;
      queuedBefore = queued;
      return !settled;
    });
    expect(slow.frames).toBe(1);
    // 1 MiB / 257 bytes per waiting frame, plus at most what one socket read held.
    expect(server.metrics.mailboxPeak).toBeGreaterThan(1000);
    expect(server.metrics.mailboxPeak).toBeLessThan(20_000);

    // Released: the backlog is worked off in slices, reading resumes, every frame arrives.
    release.open();
    const whileDraining = await roundTrips(echo, () => slow.frames < FLOOD);
    await until(() => slow.frames === FLOOD);
    expect(server.metrics.mailboxQueued).toBe(0);
    expect(server.metrics.framesIn).toBeGreaterThanOrEqual(FLOOD);

    loop.stop();
    // No turn of the event loop handled more than a slice or two of the flood (reads start new
    // slices), so the other client's echo never waited for it (Array#shift drains took seconds).
    expect(slow.mostInOneTurn).toBeLessThanOrEqual(2 * MAILBOX_SLICE);
    expect(Math.max(...whileBusy, ...whileDraining)).toBeLessThan(1000);
  });
});

describe('one read full of tiny frames', () => {
  it('is taken in over several turns of the event loop, in order, none lost', async () => {
    const release = gate();
    const got: string[] = [];
    const handler: Handler<number> = {
      init: () => ({ type: 'upgrade', state: 0, options: { idleTimeout: Infinity } }),
      websocketHandle: (frame, n) => {
        if (frame.type === 'text') got.push(frame.data);
        return n === 0 ? release.promise.then(() => ok(1)) : ok(n + 1);
      },
      websocketInfo: (_info, n) => ok(n),
    };
    const server = await start({ '/tiny': handler });
    const peer = await rawPeer(server, '/tiny');
    peer.write(encodeFrame({ opcode: 0x1, payload: 'busy' }));
    await until(() => got.length === 1);
    // Frames arriving per turn of the loop: ws would emit all 2 000 of one read in one go.
    let seen = server.metrics.framesIn;
    let most = 0;
    const perTurn = (): void => {
      most = Math.max(most, server.metrics.framesIn - seen);
      seen = server.metrics.framesIn;
      immediate = setImmediate(perTurn);
    };
    let immediate = setImmediate(perTurn);
    const count = 2_000;
    const frames = Array.from({ length: count }, (_, i) =>
      encodeFrame({ opcode: 0x1, payload: String(i) }),
    );
    peer.write(Buffer.concat(frames));
    await until(() => server.metrics.framesIn === count + 1);
    release.open();
    await until(() => got.length === count + 1);
    clearImmediate(immediate);
    expect(most).toBeGreaterThan(0);
    expect(most).toBeLessThanOrEqual(MAX_EVENTS_PER_TURN);
    expect(got.slice(1)).toEqual(frames.map((_, i) => String(i)));
  });
});

describe('the info mailbox bound', () => {
  /** Busy until `opened`; each info becomes a text frame. */
  function busyInfo(opened: Promise<void>, options: object = {}) {
    return probe<number, number>({
      init: () => ({
        type: 'upgrade',
        state: 0,
        options: { idleTimeout: Infinity, ...options },
      }),
      websocketHandle: (_frame, n) => opened.then(() => ok(n)),
      websocketInfo: (info, n) => reply(text(String(info)), n + 1),
    });
  }

  it('refuses infos past mailboxLimit (ref.send false, counted) and delivers the rest in order', async () => {
    const release = gate();
    const handler = busyInfo(release.promise);
    const server = await start({ '/busy': handler, '/echo': probe() });
    const ws = await client(wsUrl(server, '/busy'));
    const echo = await client(wsUrl(server, '/echo'));
    ws.send('make it busy');
    await until(() => handler.contexts.length === 1);
    const ref = handler.contexts[0]?.ref as ConnectionRef<number>;
    // Sent once the handler is busy with the frame (it arrives after websocketInit).
    await until(() => server.metrics.framesIn >= 1);
    let accepted = 0;
    for (let i = 0; i < 100_000; i++) if (ref.send(i)) accepted++;
    expect(accepted).toBe(10_000);
    expect(server.metrics.infosDropped).toBe(90_000);
    expect(server.metrics.mailboxQueued).toBe(10_000);
    release.open();
    const times = await roundTrips(echo, () => server.metrics.mailboxQueued > 0);
    for (let i = 0; i < 10_000; i++) expect((await message(ws)).data.toString()).toBe(String(i));
    expect(Math.max(...times)).toBeLessThan(250);
  });

  it("with mailboxOverflow 'close' ends the connection: 1013, terminate gets backpressure (mailbox)", async () => {
    const release = gate();
    const handler = busyInfo(release.promise, { mailboxLimit: 100, mailboxOverflow: 'close' });
    const server = await start({ '/busy': handler });
    const ws = await client(wsUrl(server, '/busy'));
    const peerSaw = closed(ws);
    ws.send('make it busy');
    await until(() => server.metrics.framesIn >= 1);
    const ref = handler.contexts[0]?.ref as ConnectionRef<number>;
    const results = Array.from({ length: 102 }, (_, i) => ref.send(i));
    expect(results.filter(Boolean).length).toBe(100);
    expect(results.slice(100)).toEqual([false, false]);
    expect((await peerSaw).code).toBe(1013);
    expect((await handler.terminated()).reason).toEqual(reasons.mailboxFull);
    release.open();
  });
});
