/**
 * The specs every framework's `attach` spec runs over real sockets, so Fastify, Hono and the next
 * one are held to the same behaviour: an echo through rodeo beside the framework's own routes, and
 * the answers to plain requests on a WebSocket route with and without the framework's guard.
 */
import { afterEach, expect, it } from 'vitest';
import type { RodeoAttachment } from '../../src/index.js';
import { client, closeAll, closed, message, plainGet } from './support.js';

/** The WebSocket route each framework's app gets (echo); the app's own is `GET /health`. */
export const ECHO_PATH = '/ws/echo';

/**
 * A framework's app on 127.0.0.1:0, rodeo attached; with `guard`, `requireUpgrade` wired in.
 * `reported` lists what the framework logged as warnings or errors: a guard wired wrongly (an
 * answer the framework then tries to write again) shows there, not in what the client gets.
 */
export type StartApp = (guard: boolean) => Promise<{
  base: string;
  rodeo: RodeoAttachment;
  reported: () => readonly unknown[];
}>;

/**
 * Registers the attach specs for one framework (call inside its `describe`).
 *
 * @param framework Its name, for the specs' titles.
 * @param guard How `requireUpgrade` is wired in (an `onRequest` hook, a middleware …).
 * @param start Starts the app; it serves `{ "ok": true }` at `GET /health`.
 */
export function attachSpecs(framework: string, guard: string, start: StartApp): void {
  afterEach(closeAll);

  it(`echoes on the WebSocket route while ${framework} answers its own; close() ends with 1001`, async () => {
    const { base, rodeo, reported } = await start(true);
    const ws = await client(`ws://${base}${ECHO_PATH}`);
    ws.send('howdy');
    expect(await message(ws)).toEqual({ data: Buffer.from('howdy'), isBinary: false });
    ws.send(Buffer.from([0, 1, 2]));
    expect(await message(ws)).toEqual({ data: Buffer.from([0, 1, 2]), isBinary: true });
    expect(await plainGet(`http://${base}/health`)).toEqual({ status: 200, body: '{"ok":true}' });
    const goingAway = closed(ws);
    await rodeo.close();
    expect((await goingAway).code).toBe(1001);
    expect(reported()).toEqual([]);
  });

  it(`leaves a plain request on the WebSocket route to ${framework}'s 404 without ${guard}`, async () => {
    const { base } = await start(false);
    expect((await plainGet(`http://${base}${ECHO_PATH}`)).status).toBe(404);
  });

  it(`refuses a plain request on the WebSocket route from ${guard}: 426, or 400 for a half handshake`, async () => {
    const { base, reported } = await start(true);
    const refused = { status: 426, body: 'Upgrade Required', upgrade: 'websocket' };
    expect(await plainGet(`http://${base}${ECHO_PATH}`)).toEqual(refused);
    expect(await plainGet(`http://${base}${ECHO_PATH}?x=1`)).toEqual(refused);
    const halfHandshake = await plainGet(`http://${base}${ECHO_PATH}`, { Upgrade: 'websocket' });
    expect(halfHandshake).toEqual({ status: 400, body: 'Bad Request' });
    // Other paths go on to the framework, and the route still upgrades.
    expect((await plainGet(`http://${base}/health`)).status).toBe(200);
    expect((await plainGet(`http://${base}/ws/other`)).status).toBe(404);
    const ws = await client(`ws://${base}${ECHO_PATH}`);
    ws.send('still open');
    expect((await message(ws)).data.toString()).toBe('still open');
    expect(reported()).toEqual([]);
  });
}
