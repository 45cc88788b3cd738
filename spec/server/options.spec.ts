import { afterEach, describe, expect, it } from 'vitest';
import { probe } from '../fixtures/serverHandlers.js';
import { closeAll, rawPeer, start } from './support.js';

afterEach(closeAll);

describe('server options', () => {
  it('maxFragments overrides the derived fragment limit (past it: 1009)', async () => {
    const handler = probe();
    const server = await start({ '/f': handler }, { maxFragments: 4 });
    const peer = await rawPeer(server, '/f');
    peer.send({ opcode: 0x1, payload: 'a', fin: false });
    peer.send({ opcode: 0x0, payload: 'b', fin: false });
    peer.send({ opcode: 0x0, payload: 'c', fin: false });
    peer.send({ opcode: 0x0, payload: 'd' });
    expect((await peer.frame()).payload.toString()).toBe('abcd');
    for (let i = 0; i < 5; i++)
      peer.send({ opcode: i === 0 ? 0x1 : 0x0, payload: 'x', fin: false });
    expect(await peer.closeCode()).toBe(1009);
    expect((await handler.terminated()).reason).toEqual({ type: 'error', error: 'badsize' });
  });

  it.each([
    ['maxQueueBytes', { maxQueueBytes: 0 }],
    ['maxFragments', { maxFragments: 1.5 }],
    ['shutdownTimeout', { shutdownTimeout: -1 }],
  ])('rejects an invalid %s with RODEO_ERR_INVALID_OPTION', async (_name, options) => {
    await expect(start({ '/f': probe() }, options)).rejects.toMatchObject({
      code: 'RODEO_ERR_INVALID_OPTION',
    });
  });
});
