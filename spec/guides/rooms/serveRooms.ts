import { LocalRegistry, serve, type RodeoServer } from 'rodeo';
import { roomHandler } from './room.js';

/** Rooms at `ws://127.0.0.1:<port>/rooms/<room>`; the server and the handler share one registry. */
export async function serveRooms(port: number): Promise<RodeoServer> {
  const registry = new LocalRegistry();
  return serve({ port, registry, routes: { '/rooms/:room': roomHandler(registry) } });
}
