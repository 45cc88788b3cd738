/** Row lists shared by the scenarios. */
import { SERVER_IDS } from '../servers/index.js';
import type { Mode, Row } from './types.js';

/** One row per server, in table order, all doing `mode`. */
export function everyServer(mode: Mode, deflate = false): Row[] {
  return SERVER_IDS.map((id) => ({
    name: id,
    server: id,
    mode,
    deflate,
    ...(id === 'socketio' && deflate ? { launch: { deflate: true } } : {}),
  }));
}
