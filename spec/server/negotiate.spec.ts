import { describe, expect, it } from 'vitest';
import { allowOrigins, chooseProtocol, request } from '../../src/index.js';

describe('chooseProtocol', () => {
  it("picks the server's first supported protocol that the peer offered", () => {
    const req = request({ headers: { 'sec-websocket-protocol': 'v1.chat, v2.chat' } });
    expect(chooseProtocol(req, ['v2.chat', 'v1.chat'])).toBe('v2.chat');
    expect(chooseProtocol(req, ['v1.chat'])).toBe('v1.chat');
    expect(chooseProtocol(req, ['mqtt'])).toBeUndefined();
  });

  it('reads repeated headers and no header', () => {
    expect(
      chooseProtocol(request({ headers: { 'sec-websocket-protocol': ['a', 'b'] } }), ['b']),
    ).toBe('b');
    expect(chooseProtocol(request(), ['a'])).toBeUndefined();
  });
});

describe('allowOrigins', () => {
  it('matches Origin exactly, case-insensitively', () => {
    const req = request({ headers: { origin: 'https://Example.com' } });
    expect(allowOrigins(req, ['https://example.com'])).toBe(true);
    expect(allowOrigins(req, ['https://example.com.evil'])).toBe(false);
  });

  it('reads Sec-WebSocket-Origin (versions 7 and 8)', () => {
    const req = request({ headers: { 'sec-websocket-origin': 'http://old.example' } });
    expect(allowOrigins(req, ['http://old.example'])).toBe(true);
  });

  it("allows a request without Origin only with '*'", () => {
    expect(allowOrigins(request(), ['https://example.com'])).toBe(false);
    expect(allowOrigins(request(), ['*'])).toBe(true);
  });
});
