import { describe, expect, it } from 'vitest';
import {
  checkExtendedConnect,
  connectKind,
  http2Fields,
} from '../../src/server/connectHandshake.js';

const websocket = {
  ':method': 'CONNECT',
  ':protocol': 'websocket',
  ':scheme': 'https',
  ':path': '/echo',
  ':authority': 'example.com',
  'sec-websocket-version': '13',
};

describe('connectKind', () => {
  it('tells extended CONNECTs from tunnels and plain requests', () => {
    expect(connectKind(websocket)).toBe('extended');
    expect(connectKind({ ...websocket, ':protocol': 'foo' })).toBe('extended');
    expect(connectKind({ ':method': 'CONNECT', ':authority': 'example.com:443' })).toBe('tunnel');
    expect(connectKind({ ':method': 'GET', ':path': '/echo' })).toBe('plain');
  });
});

describe('checkExtendedConnect', () => {
  it('accepts :protocol websocket (any case) with a version rodeo speaks', () => {
    expect(checkExtendedConnect(websocket)).toEqual({ type: 'accept', version: 13 });
    expect(checkExtendedConnect({ ...websocket, ':protocol': 'WebSocket' })).toEqual({
      type: 'accept',
      version: 13,
    });
    expect(checkExtendedConnect({ ...websocket, 'sec-websocket-version': ' 8 ' })).toEqual({
      type: 'accept',
      version: 8,
    });
  });

  it('answers 400 to another :protocol and to a missing version, never 426', () => {
    const reject = { type: 'reject', status: 400, headers: {} };
    expect(checkExtendedConnect({ ...websocket, ':protocol': 'foo' })).toEqual(reject);
    expect(checkExtendedConnect({ ...websocket, 'sec-websocket-version': undefined })).toEqual(
      reject,
    );
  });

  it('answers 400 with the versions it speaks to an unknown version', () => {
    expect(checkExtendedConnect({ ...websocket, 'sec-websocket-version': '12' })).toEqual({
      type: 'reject',
      status: 400,
      headers: { 'sec-websocket-version': '13, 8, 7' },
    });
  });
});

describe('http2Fields', () => {
  it('lower-cases names, lists repeats and leaves out what HTTP/2 may not carry', () => {
    expect(
      http2Fields([
        ['X-Why', 'no'],
        ['Set-Cookie', 'a=1'],
        ['set-cookie', 'b=2'],
        ['Connection', 'close'],
        ['Upgrade', 'websocket'],
        ['Keep-Alive', 'timeout=5'],
        ['Transfer-Encoding', 'chunked'],
        ['Content-Length', '12'],
      ]),
    ).toEqual({ 'x-why': 'no', 'set-cookie': ['a=1', 'b=2'] });
    expect(http2Fields({ 'X-List': ['1', '2', '3'], gone: undefined })).toEqual({
      'x-list': ['1', '2', '3'],
    });
  });
});
