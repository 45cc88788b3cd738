import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { codeBlocksOf, root, runsInTheSuite, userDocuments } from './codeBlocks.js';

describe('the TypeScript shown in the README and docs/', () => {
  const blocks = userDocuments().flatMap(codeBlocksOf);

  it('is found (the documents have code to check)', () => {
    expect(blocks.length).toBeGreaterThan(10);
  });

  it.each(blocks.map((block) => [`${block.document}:${block.line}`, block] as const))(
    '%s copies a spec file verbatim, which the suite runs',
    (_where, block) => {
      expect(block.file, 'a ```ts block needs a <!-- file: spec/… --> marker').toBeDefined();
      const file = block.file ?? '';
      expect(file.startsWith('spec/'), `${file} is not under spec/`).toBe(true);
      expect(existsSync(join(root, file)), `${file} does not exist`).toBe(true);
      expect(block.code, 'out of date: npm run docs:code').toBe(
        readFileSync(join(root, file), 'utf8'),
      );
      expect(runsInTheSuite(file), `no spec next to ${file} imports it`).toBe(true);
    },
  );

  it('includes code in every guide', () => {
    const guides = readdirSync(join(root, 'docs', 'guides')).filter((name) => name.endsWith('.md'));
    expect(guides.length).toBeGreaterThanOrEqual(6);
    for (const guide of guides) {
      expect(codeBlocksOf(join('docs', 'guides', guide)).length, guide).toBeGreaterThan(0);
    }
  });
});
