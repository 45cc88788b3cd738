import { afterEach, describe, expect, it } from 'vitest';
import { hibernate, reply, upgrade, type DeflateOptions, type Logger } from '../../src/index.js';
import { probe } from '../fixtures/serverHandlers.js';
import { client, closeAll, message, start, wsUrl } from './support.js';

afterEach(closeAll);

/** A logger that resolves with each 'hibernated' entry's count of freed zlib contexts. */
function hibernationLog(): { logger: Logger; next(): Promise<number> } {
  const seen: number[] = [];
  const waiting: ((n: number) => void)[] = [];
  const noop = (): void => undefined;
  return {
    logger: {
      debug: (obj, msg) => {
        if (msg !== 'hibernated') return;
        const contexts = obj.contexts as number;
        const wake = waiting.shift();
        if (wake === undefined) seen.push(contexts);
        else wake(contexts);
      },
      info: noop,
      warn: noop,
      error: noop,
    },
    next: () => {
      const recorded = seen.shift();
      return recorded === undefined
        ? new Promise((resolve) => waiting.push(resolve))
        : Promise.resolve(recorded);
    },
  };
}

function hibernating(compress: boolean | DeflateOptions) {
  return probe<null, string>({
    init: () => upgrade(null, { compress }),
    websocketHandle: (frame, state) => reply(frame.type === 'text' ? frame : [], state, hibernate),
  });
}

describe('hibernate', () => {
  it('frees the compressor between messages; compression keeps working', async () => {
    const log = hibernationLog();
    const server = await start({ '/h': hibernating(true) }, { logger: log.logger });
    const ws = await client(wsUrl(server, '/h'), { perMessageDeflate: { threshold: 0 } });
    for (let i = 0; i < 5; i++) {
      const body = `message ${i} `.repeat(300);
      ws.send(body);
      expect((await message(ws)).data.toString()).toBe(body);
      expect(await log.next()).toBe(1);
    }
  });

  it('also frees the decompressor when the peer takes no context over', async () => {
    const log = hibernationLog();
    const server = await start(
      { '/h': hibernating({ clientNoContextTakeover: true }) },
      { logger: log.logger },
    );
    const ws = await client(wsUrl(server, '/h'), { perMessageDeflate: { threshold: 0 } });
    for (let i = 0; i < 5; i++) {
      const body = `message ${i} `.repeat(300);
      ws.send(body);
      expect((await message(ws)).data.toString()).toBe(body);
      expect(await log.next()).toBe(2);
    }
  });

  it('frees nothing without compression (there is nothing measurable to free)', async () => {
    const log = hibernationLog();
    const server = await start({ '/h': hibernating(false) }, { logger: log.logger });
    const ws = await client(wsUrl(server, '/h'));
    ws.send('x');
    expect((await message(ws)).data.toString()).toBe('x');
    expect(await log.next()).toBe(0);
  });
});
