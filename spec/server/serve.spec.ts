import http from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { upgrade } from '../../src/index.js';
import { probe } from '../fixtures/serverHandlers.js';
import { client, closeAll, message, start, wsUrl } from './support.js';

afterEach(closeAll);

function get(url: string): Promise<{ status: number; headers: http.IncomingHttpHeaders }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, (res) => {
        res.resume();
        resolve({ status: res.statusCode ?? 0, headers: res.headers });
      })
      .on('error', reject);
  });
}

describe('serve', () => {
  it('listens on a free port and reports its URL', async () => {
    const server = await start({ '/echo': probe() });
    expect(server.port).toBeGreaterThan(0);
    expect(server.url).toBe(`http://127.0.0.1:${server.port}`);
    expect(server.httpServer.listening).toBe(true);
  });

  it('echoes text and binary through a route', async () => {
    const server = await start({ '/echo': probe() });
    const ws = await client(wsUrl(server, '/echo'));
    ws.send('hello');
    expect((await message(ws)).data.toString()).toBe('hello');
    ws.send(Buffer.from([1, 2, 3]));
    const binary = await message(ws);
    expect(binary.isBinary).toBe(true);
    expect([...binary.data]).toEqual([1, 2, 3]);
  });

  it('answers a plain request on a route with 426 and Upgrade: websocket', async () => {
    const server = await start({ '/echo': probe() });
    const res = await get(`${server.url}/echo`);
    expect(res.status).toBe(426);
    expect(res.headers.upgrade).toBe('websocket');
  });

  it('answers a plain request elsewhere with 404', async () => {
    const server = await start({ '/echo': probe() });
    expect((await get(`${server.url}/nope`)).status).toBe(404);
  });

  it('gives init the method, url, path params, query, headers and remote address', async () => {
    const handler = probe({ init: () => upgrade(null) });
    const server = await start({ '/rooms/:room/users/:user': handler });
    const ws = await client(wsUrl(server, '/rooms/lobby/users/ann%20b?nick=x&nick=y&a=1'), {
      headers: { 'x-test': 'yes' },
    });
    ws.close(1000);
    const { req } = await handler.terminated();
    expect(req.method).toBe('GET');
    expect(req.url).toBe('/rooms/lobby/users/ann%20b?nick=x&nick=y&a=1');
    expect(req.path).toBe('/rooms/lobby/users/ann%20b');
    expect(req.params).toEqual({ room: 'lobby', user: 'ann b' });
    expect(req.query).toEqual({ nick: 'y', a: '1' });
    expect(req.headers['x-test']).toBe('yes');
    expect(req.remoteAddress).toBe('127.0.0.1');
    expect(req.remotePort).toBeGreaterThan(0);
  });

  it('rejects invalid options with RODEO_ERR_INVALID_OPTION', async () => {
    await expect(start({ echo: probe() })).rejects.toMatchObject({
      code: 'RODEO_ERR_INVALID_OPTION',
    });
    await expect(start({ '/a': probe() }, { maxQueueBytes: -1 })).rejects.toMatchObject({
      code: 'RODEO_ERR_INVALID_OPTION',
    });
  });

  it('close() stops listening and resolves', async () => {
    const server = await start({ '/echo': probe() });
    await server.close();
    expect(server.httpServer.listening).toBe(false);
    await server.close();
  });
});
