/** Reading a V8 `.heapsnapshot`: retained self size and object count per constructor. */
import { readFileSync } from 'node:fs';

/** Bytes and objects of one constructor (or node type, in parentheses). */
export interface HeapGroup {
  readonly name: string;
  readonly bytes: number;
  readonly count: number;
}

interface Snapshot {
  readonly snapshot: {
    readonly meta: {
      readonly node_fields: readonly string[];
      readonly node_types: readonly unknown[];
    };
  };
  readonly nodes: readonly number[];
  readonly strings: readonly string[];
}

/** Self size and count per constructor name (objects) or `(type)` for other nodes. */
export function heapGroups(file: string): Map<string, HeapGroup> {
  const snap = JSON.parse(readFileSync(file, 'utf8')) as Snapshot;
  const fields = snap.snapshot.meta.node_fields;
  const types = snap.snapshot.meta.node_types[0] as readonly string[];
  const width = fields.length;
  const typeAt = fields.indexOf('type');
  const nameAt = fields.indexOf('name');
  const sizeAt = fields.indexOf('self_size');
  const out = new Map<string, HeapGroup>();
  for (let i = 0; i < snap.nodes.length; i += width) {
    const type = types[snap.nodes[i + typeAt] as number] ?? '?';
    const name =
      type === 'object' ? (snap.strings[snap.nodes[i + nameAt] as number] ?? '?') : `(${type})`;
    const prev = out.get(name) ?? { name, bytes: 0, count: 0 };
    out.set(name, {
      name,
      bytes: prev.bytes + (snap.nodes[i + sizeAt] as number),
      count: prev.count + 1,
    });
  }
  return out;
}

/** What `after` holds more than `before`, per connection, largest first. */
export function perConnection(
  before: ReadonlyMap<string, HeapGroup>,
  after: ReadonlyMap<string, HeapGroup>,
  connections: number,
): HeapGroup[] {
  return [...after.values()]
    .map((g) => {
      const b = before.get(g.name);
      return {
        name: g.name,
        bytes: Math.round((g.bytes - (b?.bytes ?? 0)) / connections),
        count: Math.round((10 * (g.count - (b?.count ?? 0))) / connections) / 10,
      };
    })
    .filter((g) => g.bytes > 0)
    .sort((a, b) => b.bytes - a.bytes);
}
