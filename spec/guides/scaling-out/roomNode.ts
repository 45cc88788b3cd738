import { serve, type RodeoServer } from 'rodeo';
import { RedisRegistry } from 'rodeo/redis';
import { roomHandler } from '../rooms/room.js';

/** One node of a cluster: the rooms of the rooms guide, on a registry shared through Redis. */
export interface RoomNode {
  readonly server: RodeoServer;
  readonly registry: RedisRegistry;
  /** Ends this node's connections (the others are told), then leaves the cluster. */
  close(): Promise<void>;
}

/** Starts a room server on `port` whose rooms span every node on the Redis at `redisUrl`. */
export async function startRoomNode(port: number, redisUrl: string): Promise<RoomNode> {
  const registry = await RedisRegistry.connect({ url: redisUrl });
  const server = await serve({ port, registry, routes: { '/rooms/:room': roomHandler(registry) } });
  return {
    server,
    registry,
    close: async () => {
      await server.close();
      await registry.close();
    },
  };
}
