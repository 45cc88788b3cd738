/**
 * The project consumer.spec.ts installs the tarball into: a strict TypeScript ESM program made of
 * the README's first example (spec/readme: the counter handler, its marble tests and its server,
 * which the README shows verbatim), and a CommonJS file that requires every entry point the package exports.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** One `exports` entry of package.json: how it is imported, what it ships, where it comes from. */
export interface EntryPoint {
  /** `rodeo`, `rodeo/testing`, … */
  readonly specifier: string;
  /** The shipped JavaScript and declarations, as paths in the tarball. */
  readonly js: string;
  readonly types: string;
  /** The barrel it is built from, relative to the repository. */
  readonly source: string;
}

/** Every entry point package.json exports. */
export const ENTRY_POINTS: readonly EntryPoint[] = readEntryPoints();

/**
 * The strictest settings a consumer may have, declarations included (`skipLibCheck: false`), and
 * only Node's types besides the package's own: no DOM library either, as in a Node program, so the
 * declarations cannot lean on browser types.
 */
const TSCONFIG = {
  compilerOptions: {
    module: 'nodenext',
    target: 'es2022',
    lib: ['es2022'],
    strict: true,
    exactOptionalPropertyTypes: true,
    noUncheckedIndexedAccess: true,
    noImplicitOverride: true,
    verbatimModuleSyntax: true,
    skipLibCheck: false,
    types: ['node'],
    outDir: 'out',
  },
  files: ['main.ts', 'require.cts'],
};

/** The two functions the README's example takes from vitest, run at once: a failure throws. */
const TESTS = `let suite = '';
export function describe(name: string, body: () => void): void {
  suite = name;
  body();
}
export function it(name: string, body: () => void): void {
  body();
  console.log(\`ok \${suite} \${name}\`);
}
`;

/** The README's marble tests, then its server (run with `PORT=0`). */
const MAIN = `import './counter.spec.js';
import './server.js';
`;

/** The consumer project's files, by path. */
export function consumerFiles(): Record<string, string> {
  const readme = (file: string): string =>
    readFileSync(new URL(`../readme/${file}`, import.meta.url), 'utf8');
  const tests = readme('counter.spec.ts');
  if (!tests.includes(` from 'vitest';`))
    throw new Error('the README example no longer uses vitest');
  return {
    'package.json': JSON.stringify({ name: 'rodeo-consumer', private: true, type: 'module' }),
    'tsconfig.json': JSON.stringify(TSCONFIG),
    'tests.ts': TESTS,
    'counter.ts': readme('counter.ts'),
    'counter.spec.ts': tests.replace(` from 'vitest';`, ` from './tests.js';`),
    'server.ts': readme('server.ts'),
    'main.ts': MAIN,
    'require.cts': requireEveryEntryPoint(),
  };
}

/** CommonJS (`import = require`, emitted as `require()`): each entry point's export names. */
function requireEveryEntryPoint(): string {
  const lines = ENTRY_POINTS.map(
    ({ specifier }, i) => `import entry${i} = require('${specifier}');`,
  );
  const names = ENTRY_POINTS.map(
    ({ specifier }, i) => `  '${specifier}': Object.keys(entry${i}).sort(),`,
  );
  return `${lines.join('\n')}\n\nconsole.log(JSON.stringify({\n${names.join('\n')}\n}));\n`;
}

function readEntryPoints(): EntryPoint[] {
  const manifest = JSON.parse(readFileSync(`${ROOT}package.json`, 'utf8')) as {
    name: string;
    exports: Record<string, { types?: string; default?: string }>;
  };
  return Object.entries(manifest.exports).map(([subpath, { types, default: js }]) => {
    // `default` serves `import` and `require` alike (Node 20.19+ can require an ES module).
    if (types === undefined || js === undefined) {
      throw new Error(`package.json exports["${subpath}"] needs "types" and "default"`);
    }
    return {
      specifier: manifest.name + subpath.slice(1),
      js: js.replace(/^\.\//, ''),
      types: types.replace(/^\.\//, ''),
      source: types.replace(/^\.\/dist\/(.*)\.d\.ts$/, '$1.ts'),
    };
  });
}
