/**
 * The package as a user gets it: `npm pack` (its `prepack` builds), the tarball installed into a
 * new project with only its peers, `@types/node` and TypeScript, a strict consumer compiled
 * against the shipped declarations (`skipLibCheck: false`), run, and talked to over a real socket;
 * and every entry point `require()`d from CommonJS. Any failing step fails the spec — nothing here
 * is skipped when npm or the registry misbehaves.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { closed, Inbox } from '../examples/support.js';
import { consumerFiles, ENTRY_POINTS } from './consumerFiles.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const run = promisify(execFile);
/** One bound per step: packing builds with tsc, installing may reach the registry. */
const STEP_TIMEOUT = 90_000;
/** What the consumer prints once it serves. */
const LISTENING = /^listening on (\S+)$/;

/** What `npm pack --json` says about the tarball. */
interface Packed {
  readonly filename: string;
  readonly files: readonly { readonly path: string }[];
}

describe('the packed package in a new project', () => {
  let project = '';
  let packed: Packed;
  let compiled: Promise<void> | undefined;
  let app: ChildProcess | undefined;
  const clients: WebSocket[] = [];

  beforeAll(async () => {
    project = await mkdtemp(join(tmpdir(), 'rodeo-consumer-'));
    const pack = await step('npm', ['pack', '--json', '--pack-destination', project], ROOT);
    [packed] = JSON.parse(pack) as [Packed];
    for (const [path, content] of Object.entries(consumerFiles())) {
      await writeFile(join(project, path), content);
    }
    const install = ['install', '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts'];
    await step('npm', [...install, `./${packed.filename}`, ...(await consumerDevDependencies())]);
  }, 3 * STEP_TIMEOUT);

  afterEach(async () => {
    for (const client of clients.splice(0)) client.terminate();
    if (app !== undefined && app.exitCode === null && app.signalCode === null) {
      const exited = once(app, 'exit');
      app.kill('SIGKILL');
      await exited;
    }
    app = undefined;
  });

  afterAll(async () => {
    if (project !== '') await rm(project, { recursive: true, force: true });
  });

  it('ships LICENSE, README, package.json and built JavaScript with declarations only', () => {
    const paths = packed.files.map((file) => file.path);
    // Besides these three, JavaScript and declarations only: no source maps, which would point at
    // sources the tarball does not carry.
    const notBuilt = paths.filter((path) => !/^dist\/src\/.+\.(js|d\.ts)$/.test(path));
    expect(notBuilt.sort()).toEqual(['LICENSE', 'README.md', 'package.json']);
    expect(paths).toEqual(
      expect.arrayContaining(ENTRY_POINTS.flatMap(({ js, types }) => [js, types])),
    );
  });

  it(
    'compiles a strict consumer against the shipped declarations (no skipLibCheck)',
    async () => {
      await compile();
    },
    STEP_TIMEOUT,
  );

  it(
    "runs the README's example: its marble tests pass, and serve numbers what a client sends",
    async () => {
      await compile();
      const child = spawn(process.execPath, ['out/main.js'], {
        cwd: project,
        env: { ...process.env, PORT: '0' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      app = child;
      let stderr = '';
      child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
      const lines = await linesUntil(child, () => stderr);
      // One line per marble test the example runs (a failing one throws before serve).
      expect(lines.length).toBeGreaterThan(1);
      for (const line of lines.slice(0, -1)) expect(line).toMatch(/^ok /);
      const url = LISTENING.exec(lines.at(-1) ?? '')?.[1] ?? '';
      const socket = new WebSocket(`${url.replace(/^http/, 'ws')}/count`);
      clients.push(socket);
      const inbox = new Inbox(socket);
      await once(socket, 'open');
      socket.send('hi');
      expect(await inbox.text()).toBe('1: hi');
      socket.send('yo');
      expect(await inbox.text()).toBe('2: yo');
      const bye = closed(socket);
      socket.send('bye');
      expect(await bye).toEqual({ code: 1000, reason: '' });
      expect(stderr).toBe('');
    },
    STEP_TIMEOUT,
  );

  it(
    'require()s every entry point from CommonJS: the same exports as the sources, no warning',
    async () => {
      await compile();
      const { stdout, stderr } = await run(process.execPath, ['out/require.cjs'], {
        cwd: project,
        timeout: 10_000,
      });
      expect(stderr).toBe('');
      const required = JSON.parse(stdout) as Record<string, string[]>;
      for (const entry of ENTRY_POINTS) {
        const source = (await import(join(ROOT, entry.source))) as Record<string, unknown>;
        expect(required[entry.specifier], entry.specifier).toEqual(Object.keys(source).sort());
      }
    },
    STEP_TIMEOUT,
  );

  /** Compiles the consumer once (the first test to need it); tsc's diagnostics fail the test. */
  function compile(): Promise<void> {
    compiled ??= step(process.execPath, ['node_modules/typescript/bin/tsc', '-p', '.']).then(
      () => undefined,
    );
    return compiled;
  }

  /** Runs a command in the project (or `cwd`); its output is the error if it fails or times out. */
  async function step(file: string, args: readonly string[], cwd = project): Promise<string> {
    try {
      return (await run(file, args, { cwd, timeout: STEP_TIMEOUT, maxBuffer: 16 * 1024 * 1024 }))
        .stdout;
    } catch (err) {
      const { stdout = '', stderr = '' } = err as { stdout?: string; stderr?: string };
      throw new Error(`${file} ${args.join(' ')} failed: ${String(err)}\n${stdout}\n${stderr}`);
    }
  }
});

/**
 * The consumer's other packages: the peers, `@types/node` and TypeScript, at the versions this
 * repository has installed, so `--prefer-offline` finds them in npm's cache.
 */
async function consumerDevDependencies(): Promise<string[]> {
  const manifest = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')) as {
    peerDependencies?: Record<string, string>;
  };
  const names = [...Object.keys(manifest.peerDependencies ?? {}), '@types/node', 'typescript'];
  return Promise.all(
    names.map(async (name) => {
      const installed = join(ROOT, 'node_modules', name, 'package.json');
      const { version } = JSON.parse(await readFile(installed, 'utf8')) as { version: string };
      return `${name}@${version}`;
    }),
  );
}

/** Stdout lines of the consumer up to `listening on`; rejects, with its output, if it exits first. */
async function linesUntil(child: ChildProcess, stderr: () => string): Promise<string[]> {
  if (!child.stdout) throw new Error('no stdout');
  const lines: string[] = [];
  for await (const line of createInterface({ input: child.stdout })) {
    lines.push(line);
    if (LISTENING.test(line)) {
      child.stdout.resume();
      return lines;
    }
  }
  throw new Error(`the consumer exited before listening:\n${lines.join('\n')}\n${stderr()}`);
}
