import { close, ok, reply, text, upgrade, type Handler, type Registry } from 'rodeo';

/** What clients receive: one JSON text frame per event. */
export type RoomEvent =
  | { readonly type: 'welcome'; readonly room: string; readonly name: string }
  | { readonly type: 'joined' | 'left'; readonly name: string }
  | { readonly type: 'message' | 'whisper'; readonly from: string; readonly text: string }
  | { readonly type: 'error'; readonly code: 'bad_name' | 'name_taken' | 'no_such_member' };

/** What a member's handler is told by others: a whisper, or that its room is closing. */
export type RoomInfo =
  | { readonly type: 'whisper'; readonly from: string; readonly text: string }
  | { readonly type: 'close' };

/** A member: its room (from the URL) and its name (its first message), `null` until then. */
export interface Member {
  readonly room: string;
  readonly name: string | null;
}

/** The registry group of a room's members. */
export const groupOf = (room: string): string => `room:${room}`;
/** The registry name of a member: names are unique per room (a name has no `/`). */
export const nameIn = (room: string, name: string): string => `${room}/${name}`;
const NAME = /^[\w-]{1,32}$/;
const frameOf = (event: RoomEvent) => text(JSON.stringify(event));

/** Closes every member of `room`: closing is each handler's decision, so they are told by info. */
export function closeRoom(registry: Registry, room: string): number {
  return registry.publish<RoomInfo>(groupOf(room), { type: 'close' });
}

/** Rooms at `/rooms/:room`, on the registry the server was given. */
export function roomHandler(registry: Registry): Handler<Member, RoomInfo> {
  return {
    init: (req) => upgrade({ room: req.params['room'] ?? 'lobby', name: null }),
    websocketHandle: (frame, member, ctx) => {
      if (frame.type !== 'text') return ok(member);
      const { room, name } = member;
      if (name === null) {
        const wanted = frame.data.trim();
        if (!NAME.test(wanted)) return reply(frameOf(error('bad_name')), member);
        const enter = (free: boolean) => {
          if (!free) return reply(frameOf(error('name_taken')), member);
          registry.broadcast(groupOf(room), frameOf({ type: 'joined', name: wanted }));
          registry.join(groupOf(room), ctx.ref);
          return reply(frameOf({ type: 'welcome', room, name: wanted }), { room, name: wanted });
        };
        // At once in process; a promise when the registry spans processes.
        const named = registry.register(nameIn(room, wanted), ctx.ref);
        return typeof named === 'boolean' ? enter(named) : named.then(enter);
      }
      const whisper = /^\/to (\S+) (.+)$/s.exec(frame.data);
      if (whisper !== null) {
        const [, to = '', said = ''] = whisper;
        const info: RoomInfo = { type: 'whisper', from: name, text: said };
        if (registry.send(nameIn(room, to), info)) return ok(member);
        return reply(frameOf(error('no_such_member')), member);
      }
      registry.broadcast(groupOf(room), frameOf({ type: 'message', from: name, text: frame.data }));
      return ok(member);
    },
    websocketInfo: (info, member) =>
      info.type === 'close'
        ? reply(close(4000, 'room closed'), member)
        : reply(frameOf(info), member),
    // The registry frees the name and the membership by itself; the others are told here.
    terminate: (_reason, _req, member) => {
      if (member === undefined || member.name === null) return;
      registry.broadcast(groupOf(member.room), frameOf({ type: 'left', name: member.name }));
    },
  };
}

function error(code: Extract<RoomEvent, { type: 'error' }>['code']): RoomEvent {
  return { type: 'error', code };
}
