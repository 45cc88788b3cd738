import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const read = (path: string): string => readFileSync(new URL(path, import.meta.url), 'utf8');

describe('README', () => {
  it('shows the marble-test example exactly as spec/readme/example.spec.ts runs it', () => {
    const readme = read('../../README.md');
    const example = read('./example.spec.ts');
    expect(readme).toContain('```ts\n' + example + '```');
  });

  it('gives the set-up and test commands that .ci/run uses', () => {
    const readme = read('../../README.md');
    const ci = read('../../.ci/run');
    expect(readme).toContain('npm install && npm start');
    const testCommand = /^bash scripts\/install-test-deps\.sh && npm ci && npm test$/m;
    expect(readme).toMatch(testCommand);
    expect(ci).toMatch(testCommand);
  });
});
