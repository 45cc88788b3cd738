/**
 * Chat: every connection joins one group; a message is broadcast to the whole group (serialized
 * once, whatever the number of members). Nick from `/chat?nick=ann`, changed with `/nick bob`.
 * Everything on the wire is JSON, see {@link ChatEvent}.
 */
import { ok, text, upgrade, type Handler, type Registry } from '../src/index.js';

/** The group every chat connection joins. */
export const CHAT_GROUP = 'chat';

/** Longest nick kept, in characters. */
export const MAX_NICK = 24;

/** What clients receive, as JSON text frames. */
export type ChatEvent =
  | { readonly type: 'joined' | 'left'; readonly nick: string }
  | { readonly type: 'renamed'; readonly from: string; readonly nick: string }
  | { readonly type: 'message'; readonly nick: string; readonly text: string };

/** A chat connection's state. */
export interface ChatState {
  readonly nick: string;
}

/**
 * A chat handler on `registry`. Leaving the group is the registry's job (members leave when their
 * connection ends); the handler only tells the others.
 *
 * @param registry Where the group lives; the same registry the server was given.
 * @return The chat handler.
 */
export function chatHandler(registry: Registry): Handler<ChatState> {
  let guests = 0;
  const tell = (event: ChatEvent): void =>
    void registry.broadcast(CHAT_GROUP, text(JSON.stringify(event)));
  return {
    init: (req) => upgrade({ nick: cleanNick(req.query['nick']) ?? `guest-${++guests}` }),
    websocketInit: (state, ctx) => {
      registry.join(CHAT_GROUP, ctx.ref);
      tell({ type: 'joined', nick: state.nick });
      return ok(state);
    },
    websocketHandle: (frame, state) => {
      if (frame.type !== 'text' || frame.data.trim() === '') return ok(state);
      if (!frame.data.startsWith('/nick ')) {
        tell({ type: 'message', nick: state.nick, text: frame.data });
        return ok(state);
      }
      const nick = cleanNick(frame.data.slice('/nick '.length));
      if (nick !== undefined) tell({ type: 'renamed', from: state.nick, nick });
      return ok({ nick: nick ?? state.nick });
    },
    websocketInfo: (_info, state) => ok(state),
    terminate: (_reason, _req, state) => tell({ type: 'left', nick: state.nick }),
  };
}

/** A trimmed, length-limited nick, or `undefined` when nothing usable is left. */
function cleanNick(raw: string | undefined): string | undefined {
  const nick = raw?.trim().slice(0, MAX_NICK);
  return nick === undefined || nick === '' ? undefined : nick;
}
