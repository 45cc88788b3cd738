import { ok, reply, stop, text, upgrade, type Handler } from 'rodeo';

/** Numbers each text message, stops on "bye", and gives up after 30 s of silence. */
export const counter: Handler<number> = {
  init: () => upgrade(0, { idleTimeout: 30_000 }),
  websocketHandle: (frame, count) => {
    if (frame.type !== 'text') return ok(count);
    if (frame.data === 'bye') return stop(count);
    return reply(text(`${count + 1}: ${frame.data}`), count + 1);
  },
  websocketInfo: (_info: never, count) => ok(count),
};
