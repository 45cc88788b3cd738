/**
 * `npm start`'s build (its `prestart`): compiles examples/ and src/ to plain JavaScript in
 * dist/demo (tsconfig.demo.json), so the demo runs at production speed with no transpiler on the
 * message path, then puts the demo page next to the compiled server, where it looks for it.
 *
 * tsc's build mode skips everything when nothing changed (a second `npm start` costs well under a
 * second), and the build only emits — no type-checking (`npm test` does that), no declaration
 * read — so even a fresh clone starts in a few seconds. When nothing changed, nothing is written either: several `npm start`s at once
 * (the test suite runs some) never read a file another one is writing.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, renameSync } from 'node:fs';
import { dirname, join } from 'node:path';
import process from 'node:process';
import { fileURLToPath, URL } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const TSC = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
const OUT = join(ROOT, 'dist', 'demo');
const PAGE = join('examples', 'public', 'index.html');

// tsc's up-to-date check reads its build info, not the outputs: a deleted output forces a build.
const force = existsSync(join(OUT, 'examples', 'demo.js')) ? [] : ['--force'];
const tsc = spawnSync(process.execPath, [TSC, '--build', 'tsconfig.demo.json', ...force], {
  cwd: ROOT,
  stdio: 'inherit',
});
if (tsc.status !== 0) process.exit(tsc.status ?? 1);
copyIfChanged(join(ROOT, PAGE), join(OUT, PAGE));

/** Replaces `to` with `from` in one rename (a reader sees the old page or the new), if they differ. */
function copyIfChanged(from, to) {
  if (existsSync(to) && readFileSync(to).equals(readFileSync(from))) return;
  mkdirSync(dirname(to), { recursive: true });
  const partial = `${to}.${process.pid}.tmp`;
  copyFileSync(from, partial);
  renameSync(partial, to);
}
