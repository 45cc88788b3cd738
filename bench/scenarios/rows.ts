/** Row lists shared by the scenarios. */
import { SERVER_IDS } from '../servers/index.js';
import type { Mode, Row } from './types.js';

/** Adds a rodeo row named `name` doing `mode`, right after the `rodeo` row. */
export function withRodeoVariant(rows: Row[], name: string, mode: Mode): Row[] {
  const i = rows.findIndex((r) => r.name === 'rodeo');
  const rodeo = rows[i];
  if (rodeo === undefined) return rows;
  rows.splice(i + 1, 0, { ...rodeo, name, mode });
  return rows;
}

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
