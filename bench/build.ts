/**
 * Compiles the processes under test with tsc before a run, as users deploy them: rodeo and the
 * other Node servers then run as plain JavaScript, not through tsx (whose esbuild transform keeps
 * function names with `__name`, giving every closure its own property array — 13 KB per idle rodeo
 * connection — and whose loader hooks show up in profiles).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const TSC = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
/** Under dist/, which git, ESLint and Prettier ignore. */
export const JS_ROOT = join(ROOT, 'dist', 'bench-build');
const ENTRIES = [
  'bench/servers/rodeo.ts',
  'bench/servers/ws.ts',
  'bench/servers/wsCork.ts',
  'bench/servers/socketio.ts',
  'bench/loader/main.ts',
];

/**
 * Compiles the server and loader entry points (and what they import) into `JS_ROOT`.
 *
 * @return `JS_ROOT`, or `null` with the reason if tsc produced no output (the bench then runs
 * through tsx and says so).
 */
export function compileForBench(): { root: string } | { root: null; reason: string } {
  rmSync(JS_ROOT, { recursive: true, force: true });
  // Type errors elsewhere in a tree under development do not stop tsc from emitting.
  const tsc = spawnSync(
    process.execPath,
    [
      TSC,
      ...['--outDir', JS_ROOT, '--rootDir', ROOT, '--target', 'es2022'],
      ...['--module', 'nodenext', '--moduleResolution', 'nodenext', '--types', 'node'],
      ...['--ignoreConfig', '--skipLibCheck', '--sourceMap', 'false', '--declaration', 'false'],
      ...ENTRIES.map((e) => join(ROOT, e)),
    ],
    { cwd: ROOT, encoding: 'utf8', timeout: 180_000 },
  );
  const missing = ENTRIES.filter((e) => !existsSync(jsPath(JS_ROOT, e)));
  if (missing.length === 0) return { root: JS_ROOT };
  return {
    root: null,
    reason: `tsc emitted no ${missing.join(', ')}: ${(tsc.stdout || tsc.stderr || '').split('\n')[0] ?? ''}`,
  };
}

/** Where tsc puts the JavaScript of a `.ts` file of the repo. */
export function jsPath(root: string, tsFile: string): string {
  return join(root, tsFile.replace(/\.ts$/, '.js'));
}
