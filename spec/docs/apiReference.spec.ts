/**
 * The API reference (`npm run docs`, into docs/api) builds from the committed typedoc.json without
 * a single warning: every export of the four entry points and every member documented, every
 * `{@link}` resolving, nothing public naming a type that is not exported. TypeDoc runs as the
 * command does — same options, same readers — short of writing the HTML.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Application, Logger, LogLevel, type ProjectReflection } from 'typedoc';
import { beforeAll, describe, expect, it } from 'vitest';
import { root } from './codeBlocks.js';

/** Converting type-checks the whole of src: generous, on a machine shared with other suites. */
const TYPEDOC_TIMEOUT = 180_000;

/** Keeps every warning and error TypeDoc reports, to show them all in one failure. */
class CollectingLogger extends Logger {
  readonly problems: string[] = [];

  override log(message: string, level: LogLevel): void {
    super.log(message, level);
    if (level >= LogLevel.Warn) this.problems.push(`${LogLevel[level]}: ${message}`);
  }
}

/** What one TypeDoc run gives. */
interface Reference {
  readonly app: Application;
  readonly project: ProjectReflection | undefined;
  readonly problems: readonly string[];
}

/** Bootstraps TypeDoc with typedoc.json, converts and validates, collecting what it reports. */
async function buildReference(): Promise<Reference> {
  const app = await Application.bootstrapWithPlugins({ options: join(root, 'typedoc.json') });
  const problems: string[] = [];
  // Options are read before a logger can be swapped in: their problems are on the console.
  const { errorCount, warningCount } = app.logger;
  if (errorCount + warningCount > 0) {
    problems.push(`typedoc.json: ${errorCount} errors, ${warningCount} warnings (printed above)`);
  }
  const logger = new CollectingLogger();
  app.logger = logger;
  const project = await app.convert();
  if (project !== undefined) app.validate(project);
  return { app, project, problems: [...problems, ...logger.problems] };
}

/** The module names users import, from package.json's `exports`: `.` → rodeo, `./x` → rodeo/x. */
function exportedModules(): string[] {
  const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
    readonly name: string;
    readonly exports: Readonly<Record<string, unknown>>;
  };
  return Object.keys(manifest.exports)
    .map((path) => (path === '.' ? manifest.name : `${manifest.name}/${path.slice(2)}`))
    .sort();
}

describe('the API reference (npm run docs)', () => {
  let reference: Reference;
  beforeAll(async () => {
    reference = await buildReference();
  }, TYPEDOC_TIMEOUT);

  it('builds without a warning: every export documented, every link resolved', () => {
    expect(reference.problems).toEqual([]);
    expect(reference.project, 'TypeDoc could not convert the project').toBeDefined();
  });

  it('has one module per entry point of package.json, named as users import it', () => {
    const modules = reference.project?.children ?? [];
    expect(modules.map((module) => module.name).sort()).toEqual(exportedModules());
    for (const module of modules) {
      expect(module.hasComment(), `${module.name} has no module comment`).toBe(true);
      expect(module.children?.length ?? 0, `${module.name} has no export`).toBeGreaterThan(0);
    }
  });

  it('makes `npm run docs` fail on any warning, with the checks this spec relies on', () => {
    const { options } = reference.app;
    expect(options.getValue('treatWarningsAsErrors')).toBe(true);
    expect(options.getValue('validation')).toMatchObject({
      notExported: true,
      invalidLink: true,
      notDocumented: true,
    });
  });
});
