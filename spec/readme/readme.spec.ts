import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const read = (path: string): string => readFileSync(new URL(path, import.meta.url), 'utf8');

describe('README', () => {
  it('gives the set-up and test commands that .ci/run uses', () => {
    const readme = read('../../README.md');
    const ci = read('../../.ci/run');
    expect(readme).toContain('npm install && npm start');
    const testCommand = /^bash scripts\/install-test-deps\.sh && npm ci && npm test$/m;
    expect(readme).toMatch(testCommand);
    expect(ci).toMatch(testCommand);
  });

  it('shows the handler, its marble test and its server, in that order', () => {
    const readme = read('../../README.md');
    const shown = ['counter.ts', 'counter.spec.ts', 'server.ts'].map((file) =>
      readme.indexOf(`<!-- file: spec/readme/${file} -->\n\n\`\`\`ts\n${read(`./${file}`)}\`\`\``),
    );
    expect(shown.every((at) => at > 0)).toBe(true);
    expect([...shown].sort((a, b) => a - b)).toEqual(shown);
  });
});
