/** The machine and versions a run was measured on. */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus, release, totalmem } from 'node:os';
import { createRequire } from 'node:module';
import { PYTHON } from './peers.js';

/** What the report shows about the machine. */
export interface Machine {
  readonly cpu: string;
  readonly cores: number;
  readonly memoryGiB: number;
  readonly kernel: string;
  readonly node: string;
  readonly ws: string;
  readonly socketio: string;
  readonly erlang: string;
  readonly yaws: string;
  readonly python: string;
  readonly pythonWebsockets: string;
}

const require = createRequire(import.meta.url);

/** Reads the machine's description (missing tools read as `absent`). */
export function machine(): Machine {
  return {
    cpu: cpus()[0]?.model.trim() ?? 'unknown',
    cores: cpus().length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    kernel: release(),
    node: process.version,
    ws: packageVersion('ws'),
    socketio: packageVersion('socket.io'),
    erlang: run('erl', [
      '-noshell',
      '-eval',
      'io:format("OTP ~s, erts ~s", [erlang:system_info(otp_release), erlang:system_info(version)]), halt().',
    ]),
    yaws: yawsVersion(),
    python: run(PYTHON, ['--version']).replace(/^Python /, ''),
    pythonWebsockets: run(PYTHON, ['-c', 'import websockets; print(websockets.__version__)']),
  };
}

function run(cmd: string, args: readonly string[]): string {
  const out = spawnSync(cmd, args, { encoding: 'utf8', timeout: 20_000 });
  return out.status === 0 ? out.stdout.trim() : 'absent';
}

function packageVersion(name: string): string {
  try {
    return (require(`${name}/package.json`) as { version: string }).version;
  } catch {
    return 'absent';
  }
}

function yawsVersion(): string {
  try {
    const app = readFileSync('/usr/lib/yaws/ebin/yaws.app', 'utf8');
    return /\{vsn,\s*"([^"]+)"\}/.exec(app)?.[1] ?? 'unknown';
  } catch {
    return 'absent';
  }
}
