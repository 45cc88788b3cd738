import { describe, expect, it } from 'vitest';
import { ANY, originAllowed, parseOrigins, SELF } from '../../examples/origins.js';
import { request, type HeaderFields } from '../../src/index.js';

const from = (headers: HeaderFields) => request({ headers });

describe('originAllowed', () => {
  it('allows a request without Origin (not a page in a browser), whatever the list', () => {
    expect(originAllowed(from({ host: 'localhost:8080' }), [])).toBe(true);
    expect(originAllowed(from({}), [SELF])).toBe(true);
  });

  it('self: the page served under the request Host, over http or https, default ports left out', () => {
    const allowed = (host: string, origin: string): boolean =>
      originAllowed(from({ host, origin }), [SELF]);
    expect(allowed('localhost:8080', 'http://localhost:8080')).toBe(true);
    expect(allowed('LocalHost:8080', 'http://localhost:8080')).toBe(true);
    expect(allowed('demo.example', 'https://demo.example')).toBe(true);
    expect(allowed('demo.example:443', 'https://demo.example')).toBe(true);
    expect(allowed('demo.example:80', 'http://demo.example')).toBe(true);
    expect(allowed('[::1]:8080', 'http://[::1]:8080')).toBe(true);
    expect(allowed('localhost:8080', 'http://localhost:8081')).toBe(false);
    expect(allowed('localhost:8080', 'http://evil.example')).toBe(false);
    expect(allowed('localhost:8080', 'null')).toBe(false);
    expect(allowed('localhost:8080', '')).toBe(false);
    expect(originAllowed(from({ origin: 'http://localhost:8080' }), [SELF])).toBe(false);
  });

  it('reads Sec-WebSocket-Origin (versions 7 and 8) too', () => {
    const v8 = (origin: string) => from({ host: 'a.example', 'sec-websocket-origin': origin });
    expect(originAllowed(v8('http://a.example'), [SELF])).toBe(true);
    expect(originAllowed(v8('http://b.example'), [SELF])).toBe(false);
  });

  it('takes listed origins, with or without self, and * for any', () => {
    const req = (origin: string) => from({ host: 'demo.example', origin });
    const listed = ['https://a.example'];
    expect(originAllowed(req('https://a.example'), listed)).toBe(true);
    expect(originAllowed(req('https://demo.example'), listed)).toBe(false);
    expect(originAllowed(req('https://demo.example'), [...listed, SELF])).toBe(true);
    expect(originAllowed(req('https://evil.example'), [ANY])).toBe(true);
  });
});

describe('parseOrigins', () => {
  it('reads a comma-separated list of origins, self and *', () => {
    expect(parseOrigins('self, https://a.example ,http://b.example:8080,,*')).toEqual({
      origins: ['self', 'https://a.example', 'http://b.example:8080', '*'],
    });
  });

  it('names the first entry that is not an origin as a browser sends it', () => {
    for (const invalid of [
      'https://a.example/',
      'https://a.example/chat',
      'a.example',
      'ftp://a.example',
      'https://a.example:443',
    ]) {
      expect(parseOrigins(`self,${invalid}`)).toEqual({ invalid });
    }
    expect(parseOrigins(' , ')).toEqual({ invalid: ' , ' });
  });
});
