import { describe, expect, it } from 'vitest';
import { acceptsDeflateOffer, createWsServerPool } from '../../../src/server/ws/wsServers.js';

const base = { compress: false, maxPayload: 1024, maxFragments: 16, validateUtf8: true } as const;

/** The Sec-WebSocket-Extensions header of a request. */
function req(extensions?: string): string | undefined {
  return extensions;
}

describe('WsServerPool', () => {
  it('keeps one WebSocketServer per distinct option set', () => {
    const pool = createWsServerPool(1000);
    const first = pool.get(base);
    expect(pool.get({ ...base })).toBe(first);
    expect(pool.get({ ...base, validateUtf8: false })).not.toBe(first);
    expect(pool.get({ ...base, maxPayload: 2048 })).not.toBe(first);
    expect(pool.get({ ...base, maxFragments: 32 })).not.toBe(first);
    expect(pool.get(base)).toBe(first);
    const deflate = { level: 1 };
    const compressed = pool.get({ ...base, compress: deflate });
    expect(pool.get({ ...base, compress: deflate })).toBe(compressed);
    expect(pool.get({ ...base, compress: { level: 1 } })).toBe(compressed);
    expect(pool.get({ ...base, compress: { level: 1 } })).not.toBe(
      pool.get({ ...base, compress: {} }),
    );
    pool.close();
    expect(pool.get(base)).not.toBe(first);
    pool.close();
  });
});

describe('acceptsDeflateOffer', () => {
  it('accepts a valid offer and declines absent, unknown or unacceptable ones', () => {
    expect(acceptsDeflateOffer(req('permessage-deflate; client_max_window_bits'), {})).toBe(true);
    expect(acceptsDeflateOffer(req(), {})).toBe(false);
    expect(acceptsDeflateOffer(req('x-webkit-deflate-frame'), {})).toBe(false);
    expect(acceptsDeflateOffer(req('permessage-deflate; bogus'), {})).toBe(false);
    expect(
      acceptsDeflateOffer(req('permessage-deflate; server_max_window_bits=8'), {
        serverMaxWindowBits: 12,
      }),
    ).toBe(false);
    expect(
      acceptsDeflateOffer(
        req('permessage-deflate; server_max_window_bits=10, permessage-deflate'),
        { serverMaxWindowBits: 12 },
      ),
    ).toBe(true);
  });
});
