/**
 * Vitest global setup: builds what `npm start` runs (dist/demo) once, before any spec. Specs in
 * several files run `npm start` at the same time; with the build already up to date, none of their
 * `prestart`s writes a file that another's demo is loading.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const SCRIPT = fileURLToPath(new URL('../scripts/build-demo.js', import.meta.url));

/** Runs `scripts/build-demo.js`; a failed build fails the run, with tsc's output. */
export default function buildDemo(): void {
  const build = spawnSync(process.execPath, [SCRIPT], { encoding: 'utf8', timeout: 120_000 });
  if (build.status !== 0) {
    throw new Error(
      `the demo build failed (${build.status ?? build.signal}):\n${build.stdout}${build.stderr}`,
    );
  }
}
