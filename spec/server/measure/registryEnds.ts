/**
 * Measures what connection ends cost the registry's event loop.
 *
 *   npx tsx spec/server/measure/registryEnds.ts [connections=20000] [registry module]
 *
 * `connections` server refs (on fake connections, so only the registry's work is timed) each
 * register a name and join a group; then they end one at a time (each end is one event), and the
 * script prints the total and the longest single end. The optional second argument loads
 * `LocalRegistry` from another module (e.g. an older copy of `src/server/registry.ts`) to compare.
 *
 * Measured here (Node 20, 2 shared cores, 20 000 connections, two runs each): per-ref name sets
 * 97–101 ms in total (5 µs per end; the longest single end, 6–8 ms, is a GC pause); scanning every
 * name on each end (the previous registry) 4.0–4.3 s in total.
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { LocalRegistry } from '../../../src/index.js';
import { fakeServerRef } from '../../fixtures/fakeServerRef.js';

const connections = Number(process.argv[2] ?? 20_000);
const from = process.argv[3] ?? '../../../src/server/registry.ts';
const url = from.startsWith('.') ? new URL(from, import.meta.url) : pathToFileURL(resolve(from));
const { LocalRegistry: Registry } = (await import(url.href)) as {
  LocalRegistry: new () => LocalRegistry;
};

const registry = new Registry();
const ends: (() => void)[] = [];
for (let i = 0; i < connections; i++) {
  const { ref, end } = fakeServerRef(`c${i}`);
  await registry.register(`user-${i}`, ref);
  registry.join('lobby', ref);
  ends.push(end);
}
let longest = 0;
const began = performance.now();
for (const end of ends) {
  const at = performance.now();
  end();
  longest = Math.max(longest, performance.now() - at);
}
const total = performance.now() - began;
console.log(
  `${connections} ends: ${total.toFixed(1)} ms in total, longest ${longest.toFixed(3)} ms` +
    ` (names left: ${registry.whereis('user-0') === undefined ? 0 : 'some'}, members left: ${registry.members('lobby').length})`,
);
