import { afterEach, describe, expect, it } from 'vitest';
import type WebSocket from 'ws';
import { startDemo, type Demo } from '../../examples/demoServer.js';
import { closed, openClient, terminateAll } from './support.js';

describe('startDemo', () => {
  const clients: WebSocket[] = [];
  let demo: Demo | undefined;

  afterEach(async () => {
    terminateAll(clients);
    await demo?.close();
    demo = undefined;
  });

  const ws = (path: string): string => {
    if (!demo) throw new Error('demo not started');
    return `ws://127.0.0.1:${demo.port}${path}`;
  };

  it('serves the page as UTF-8 HTML at / and 404 elsewhere', async () => {
    demo = await startDemo({ port: 0, host: '127.0.0.1' });
    expect(demo.url).toBe(`http://127.0.0.1:${demo.port}/`);
    const page = await fetch(demo.url);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const html = await page.text();
    for (const id of [
      'echo-input',
      'echo-send',
      'echo-log',
      'chat-nick',
      'chat-join',
      'chat-log',
    ]) {
      expect(html).toContain(`id="${id}"`);
    }
    expect((await fetch(new URL('/nope', demo.url))).status).toBe(404);
    expect((await fetch(new URL('/echo', demo.url))).status).toBe(404);
  });

  it('serves /echo (compressed), /pipeline-echo, /chat and /clock', async () => {
    demo = await startDemo({ port: 0, host: '127.0.0.1', clockInterval: 10 });

    const echo = await openClient(ws('/echo'), clients);
    expect(echo.socket.extensions).toContain('permessage-deflate');
    echo.socket.send('ping?');
    expect(await echo.inbox.text()).toBe('ping?');

    const pipe = await openClient(ws('/pipeline-echo'), clients);
    pipe.socket.send('hi');
    expect(await pipe.inbox.text()).toBe('hi');

    const chat = await openClient(ws('/chat?nick=ann'), clients);
    expect(await chat.inbox.json()).toEqual({ type: 'joined', nick: 'ann' });

    const clock = await openClient(ws('/clock'), clients);
    expect(Number.isNaN(Date.parse(await clock.inbox.text()))).toBe(false);
  });

  it('applies echoMaxFrameSize to /echo', async () => {
    demo = await startDemo({ port: 0, host: '127.0.0.1', echoMaxFrameSize: 64 });
    const { socket, inbox } = await openClient(ws('/echo'), clients);
    socket.send('x'.repeat(64));
    expect(await inbox.text()).toBe('x'.repeat(64));
    const done = closed(socket);
    socket.send('x'.repeat(65));
    expect((await done).code).toBe(1009);
  });

  it('closes open connections with 1001 on close()', async () => {
    demo = await startDemo({ port: 0, host: '127.0.0.1' });
    const { socket } = await openClient(ws('/chat'), clients);
    const done = closed(socket);
    await demo.close();
    demo = undefined;
    expect((await done).code).toBe(1001);
  });
});
