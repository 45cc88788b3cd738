/**
 * The Debian peers (Python `websockets`, Yaws): found, installed with apt-get when the bench runs as
 * root and they are missing, or reported absent with the reason. Never silently dropped.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Whether a peer can run, and why not. */
export type Availability = { readonly ok: true } | { readonly ok: false; readonly reason: string };

/** The interpreter Debian's python3-websockets is installed for (not a pyenv shim). */
export const PYTHON = '/usr/bin/python3';
const APT_TIMEOUT_MS = 300_000;

/** Python websockets: importable by `/usr/bin/python3`, installing `python3-websockets` if needed. */
export function pythonWebsockets(log: (line: string) => void): Availability {
  const probe = (): boolean =>
    existsSync(PYTHON) &&
    spawnSync(PYTHON, ['-c', 'import websockets'], { timeout: 20_000 }).status === 0;
  if (probe()) return { ok: true };
  const installed = aptInstall(['python3-websockets'], log);
  if (!installed.ok) return installed;
  return probe()
    ? { ok: true }
    : { ok: false, reason: 'python3-websockets installed but not importable' };
}

/**
 * Yaws: `erlc` and the yaws application present (installing `yaws` if needed), then the bench's
 * callback module compiled.
 *
 * @return Where the compiled module is, or why Yaws is absent.
 */
export function yaws(
  source: string,
  log: (line: string) => void,
): { readonly ok: true; readonly ebin: string } | { readonly ok: false; readonly reason: string } {
  const present = (): boolean =>
    existsSync('/usr/bin/erlc') && existsSync('/usr/lib/yaws/ebin/yaws.beam');
  if (!present()) {
    const installed = aptInstall(['yaws'], log);
    if (!installed.ok) return installed;
    if (!present()) return { ok: false, reason: 'yaws installed but erlc or yaws.beam missing' };
  }
  const ebin = mkdtempSync(join(tmpdir(), 'rodeo-bench-yaws-ebin-'));
  const erlc = spawnSync('erlc', ['-I', '/usr/lib/yaws/include', '-o', ebin, source], {
    encoding: 'utf8',
    timeout: 60_000,
  });
  if (erlc.status !== 0) {
    return { ok: false, reason: `erlc failed: ${(erlc.stderr || erlc.stdout).trim()}` };
  }
  return { ok: true, ebin };
}

/** `apt-get install -y` as root, with one `apt-get update` retry. */
function aptInstall(packages: readonly string[], log: (line: string) => void): Availability {
  if (process.getuid?.() !== 0) {
    return { ok: false, reason: `${packages.join(' ')} not installed (not root, cannot apt-get)` };
  }
  log(`installing ${packages.join(' ')} with apt-get …`);
  const install = (): boolean =>
    spawnSync('apt-get', ['install', '-y', '--no-install-recommends', ...packages], {
      stdio: 'ignore',
      timeout: APT_TIMEOUT_MS,
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    }).status === 0;
  if (install()) return { ok: true };
  spawnSync('apt-get', ['update'], { stdio: 'ignore', timeout: APT_TIMEOUT_MS });
  return install()
    ? { ok: true }
    : { ok: false, reason: `apt-get install ${packages.join(' ')} failed` };
}
