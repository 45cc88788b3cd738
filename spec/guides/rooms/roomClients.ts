/** `ws` clients of the room server, for the room specs on one node and on several. */
import { expect } from 'vitest';
import type WebSocket from 'ws';
import type { RodeoServer } from 'rodeo';
import { client, message, wsUrl } from '../../server/support.js';
import type { RoomEvent } from './room.js';

/** The next event a client received. */
export async function next(ws: WebSocket): Promise<RoomEvent> {
  return JSON.parse((await message(ws)).data.toString()) as RoomEvent;
}

/** A client in `room` named `name`, once welcomed. */
export async function member(server: RodeoServer, room: string, name: string): Promise<WebSocket> {
  const ws = await client(wsUrl(server, `/rooms/${room}`));
  ws.send(name);
  expect(await next(ws)).toEqual({ type: 'welcome', room, name });
  return ws;
}
