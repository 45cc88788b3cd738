import { afterEach, describe, expect, it, vi } from 'vitest';
import * as wsModule from 'ws';
import type WebSocket from 'ws';
import type * as Utf8 from '../../../src/server/ws/wsUtf8.js';

// Exported by ws's ESM entry, though @types/ws does not declare it.
const { Receiver } = wsModule as unknown as { Receiver: new (options: object) => object };

afterEach(() => {
  vi.resetModules();
});

/** A fresh copy of the module (it checks ws's Receiver once, on first use). */
async function freshUtf8(): Promise<typeof Utf8> {
  vi.resetModules();
  return import('../../../src/server/ws/wsUtf8.js');
}

/** A WebSocket as far as the module sees it: a real ws Receiver, maybe with a field renamed. */
function socketWith(receiver: object): WebSocket {
  return { _receiver: receiver, _extensions: {} } as unknown as WebSocket;
}

describe('failFastOnInvalidUtf8 and a ws release that renamed things', () => {
  it('wraps a current ws Receiver', async () => {
    const { failFastOnInvalidUtf8 } = await freshUtf8();
    const receiver = new Receiver({ isServer: true, maxPayload: 1024 });
    failFastOnInvalidUtf8(socketWith(receiver));
    expect(Object.hasOwn(receiver, 'getData') && Object.hasOwn(receiver, 'dataMessage')).toBe(true);
  });

  it('leaves a Receiver that skips UTF-8 validation alone', async () => {
    const { failFastOnInvalidUtf8 } = await freshUtf8();
    const receiver = new Receiver({ isServer: true, maxPayload: 1024, skipUTF8Validation: true });
    failFastOnInvalidUtf8(socketWith(receiver));
    expect(Object.hasOwn(receiver, 'getData') || Object.hasOwn(receiver, 'dataMessage')).toBe(
      false,
    );
  });

  it.each(['_fragments', '_buffers', '_fin', '_compressed', '_payloadLength'])(
    'throws a clear error when Receiver#%s is gone',
    async (field) => {
      const { failFastOnInvalidUtf8 } = await freshUtf8();
      const receiver = new Receiver({ isServer: true, maxPayload: 1024 });
      Reflect.deleteProperty(receiver, field);
      expect(() => failFastOnInvalidUtf8(socketWith(receiver))).toThrow(/ws internals changed/);
    },
  );

  it('throws a clear error when a Receiver does not use the methods checked first', async () => {
    const { failFastOnInvalidUtf8 } = await freshUtf8();
    failFastOnInvalidUtf8(socketWith(new Receiver({ isServer: true, maxPayload: 1024 })));
    const other = new Receiver({ isServer: true, maxPayload: 1024 });
    Object.assign(other, { getData: () => undefined });
    expect(() => failFastOnInvalidUtf8(socketWith(other))).toThrow(/ws internals changed/);
  });
});
