/**
 * `npx tsx bench/heap.ts [--connections=N]`: what an idle connection keeps on the V8 heap, by
 * constructor. For rodeo (`/echo`, `/zh` with hibernate and deflate) and bare ws (`/echo`, `/z`), a
 * heap snapshot is taken before and after N connections have opened and exchanged one message; the
 * difference per connection is printed and saved to `bench/results/heap-latest.json`.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compileForBench } from './build.js';
import { heapGroups, perConnection, type HeapGroup } from './heapSnapshot.js';
import { runMain } from './proc.js';
import { createLoader, targetFor } from './scenarios/loaderProcess.js';
import type { Row } from './scenarios/types.js';
import { launch } from './servers/index.js';

const RESULTS = fileURLToPath(new URL('./results/', import.meta.url));
const TOP = 12;
const ROWS: readonly Row[] = [
  { name: 'rodeo', server: 'rodeo', mode: 'echo', deflate: false },
  { name: 'rodeo (pipeline)', server: 'rodeo', mode: 'pipeline', deflate: false },
  { name: 'ws', server: 'ws', mode: 'echo', deflate: false },
  { name: 'rodeo (hibernate, deflate)', server: 'rodeo', mode: 'deflateHibernate', deflate: true },
  { name: 'ws (deflate)', server: 'ws', mode: 'deflate', deflate: true },
];

async function main(): Promise<void> {
  const arg = process.argv.find((a) => a.startsWith('--connections='));
  const n = Number(arg?.slice('--connections='.length) ?? 2000);
  const dir = mkdtempSync(join(tmpdir(), 'rodeo-bench-heap-'));
  const build = compileForBench();
  if (build.root === null) throw new Error(build.reason);
  const jsRoot = build.root;
  const loader = createLoader(false, jsRoot);
  const report: { name: string; heapPerConn: number; top: HeapGroup[] }[] = [];
  try {
    for (const row of ROWS) {
      const server = await launch(row.server, { jsRoot });
      try {
        const before = heapGroups(
          await server.snapshot(join(dir, `${row.server}-before.heapsnapshot`)),
        );
        const held = await loader.hold(
          {
            kind: 'idle',
            target: targetFor(row, server),
            connections: n,
            payload: row.deflate ? 2048 : 64,
            holdMs: 120_000,
          },
          120_000,
        );
        await new Promise((resolve) => setTimeout(resolve, 600));
        const after = heapGroups(
          await server.snapshot(join(dir, `${row.server}-after.heapsnapshot`)),
        );
        await held.release();
        const diff = perConnection(before, after, n);
        const total = diff.reduce((sum, g) => sum + g.bytes, 0);
        report.push({ name: row.name, heapPerConn: total, top: diff.slice(0, 30) });
        process.stdout.write(
          `\n== ${row.name}: ${total} B of heap per connection (${n} connections) ==\n` +
            diff
              .slice(0, TOP)
              .map(
                (g) =>
                  `  ${String(g.bytes).padStart(6)} B  ${String(g.count).padStart(5)} ×  ${g.name}`,
              )
              .join('\n') +
            '\n',
        );
      } finally {
        await server.stop(0);
      }
    }
  } finally {
    await loader.close();
    rmSync(dir, { recursive: true, force: true });
  }
  writeFileSync(`${RESULTS}heap-latest.json`, `${JSON.stringify(report, null, 2)}\n`);
  process.stdout.write('\nsaved bench/results/heap-latest.json\n');
}

runMain('heap', main);
