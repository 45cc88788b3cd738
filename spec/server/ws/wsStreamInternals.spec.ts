import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import { negotiateOnStream, websocketOnStream } from '../../../src/server/ws/wsStreamInternals.js';

/** ws's own method, put back after each spec that takes it away. */
const setSocket = Reflect.get(WebSocket.prototype, 'setSocket') as unknown;

afterEach(() => {
  Reflect.set(WebSocket.prototype, 'setSocket', setSocket);
});

function wsServer(perMessageDeflate: boolean | object = false): WebSocketServer {
  return new WebSocketServer({ noServer: true, perMessageDeflate, maxPayload: 1024 });
}

describe('negotiateOnStream', () => {
  it('agrees on permessage-deflate as the server would, and on nothing without an offer', () => {
    const server = wsServer({ threshold: 0 });
    const agreed = negotiateOnStream(server, 'permessage-deflate; client_max_window_bits');
    expect(agreed.extensions).toMatch(/^permessage-deflate/);
    expect(Object.keys(agreed.agreed)).toEqual(['permessage-deflate']);
    expect(negotiateOnStream(server, undefined).extensions).toBeUndefined();
    expect(negotiateOnStream(server, 'x-webkit-deflate-frame').extensions).toBeUndefined();
    expect(negotiateOnStream(wsServer(), 'permessage-deflate').extensions).toBeUndefined();
  });
});

describe('websocketOnStream and a ws release that changed things', () => {
  it('opens a server-side WebSocket on any duplex, with the server options', () => {
    const ws = websocketOnStream(wsServer(), new PassThrough(), {
      extensions: undefined,
      agreed: {},
    });
    expect(ws.readyState).toBe(WebSocket.OPEN);
    ws.terminate();
  });

  it('throws a clear error when WebSocket#setSocket is gone', () => {
    Reflect.set(WebSocket.prototype, 'setSocket', undefined);
    expect(() =>
      websocketOnStream(wsServer(), new PassThrough(), { extensions: undefined, agreed: {} }),
    ).toThrow(/ws internals changed/);
  });

  it('throws a clear error when setSocket no longer opens the WebSocket', () => {
    Reflect.set(WebSocket.prototype, 'setSocket', () => undefined);
    expect(() =>
      websocketOnStream(wsServer(), new PassThrough(), { extensions: undefined, agreed: {} }),
    ).toThrow(/ws internals changed/);
  });
});
