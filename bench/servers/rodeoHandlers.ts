/**
 * The rodeo handlers under test besides the `echo` example: the echo as a pipeline, the same echo
 * asking to hibernate after every reply, a multi-frame echo (one `reply` with 10 frames, written by
 * the engine together), and a broadcast group (every message goes to the group through
 * `registry.broadcast`).
 */
import {
  echo,
  hibernate,
  ok,
  reply,
  text,
  upgrade,
  type Handler,
  type PipelineHandler,
  type Registry,
} from '../../src/index.js';
import { MULTI_FRAMES } from './control.js';

/** The group of the broadcast scenario. */
const GROUP = 'bench';

/**
 * Echo that hibernates after each reply, with compression offered as a route that hibernates should
 * offer it: asking the peer for `client_no_context_takeover` (RFC 7692 §7.1.1.2; ws's client and
 * browsers accept it), so that hibernate can release the decompressor as well as the compressor.
 */
export function hibernatingEcho(): Handler<null> {
  return {
    init: () => upgrade(null, { compress: { clientNoContextTakeover: true } }),
    websocketHandle: (frame, state) =>
      frame.type === 'text' || frame.type === 'binary'
        ? reply(frame, state, hibernate)
        : ok(state, hibernate),
    websocketInfo: (_info, state) => ok(state),
  };
}

/** The echo as a pipeline handler: rodeo's `echo()` operator on the events. */
export function pipelineEcho(): PipelineHandler<null> {
  return {
    init: () => upgrade(null, { compress: true }),
    pipeline: (events$) => events$.pipe(echo()),
  };
}

/** Answers each message with `MULTI_FRAMES` copies of it in one `reply`. */
export function multiEcho(): Handler<null> {
  return {
    init: () => upgrade(null, { compress: false }),
    websocketHandle: (frame, state) =>
      frame.type === 'text' || frame.type === 'binary'
        ? reply(new Array<typeof frame>(MULTI_FRAMES).fill(frame), state)
        : ok(state),
    websocketInfo: (_info, state) => ok(state),
  };
}

/** Joins the group on open; broadcasts every message to it. */
export function broadcaster(registry: Registry): Handler<null> {
  return {
    init: () => upgrade(null, { compress: false }),
    websocketInit: (state, ctx) => {
      registry.join(GROUP, ctx.ref);
      return ok(state);
    },
    websocketHandle: (frame, state) => {
      if (frame.type === 'text' || frame.type === 'binary') registry.broadcast(GROUP, frame);
      return ok(state);
    },
    websocketInfo: (_info, state) => ok(state),
  };
}

/**
 * Cross-node info: `?name=x` registers the connection as `x` and writes every info it gets to its
 * socket; `?to=x` sends every text message it receives to `x` as info.
 */
export function pair(registry: Registry): Handler<string | null, string> {
  return {
    init: (req) => upgrade(req.query['to'] ?? null, { compress: false }),
    websocketInit: async (to, ctx) => {
      const name = ctx.req.query['name'];
      if (name !== undefined) await registry.register(name, ctx.ref);
      return ok(to);
    },
    websocketHandle: (frame, to) => {
      if (to !== null && frame.type === 'text') registry.send(to, frame.data);
      return ok(to);
    },
    websocketInfo: (info, to) => reply(text(info), to),
  };
}
