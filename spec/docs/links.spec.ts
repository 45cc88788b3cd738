/**
 * Every relative link of the README and docs/ leads somewhere: the file exists, and a `#fragment`
 * names a heading of it (GitHub's anchors: lower case, punctuation dropped, spaces as hyphens).
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import { describe, expect, it } from 'vitest';
import { root, userDocuments } from './codeBlocks.js';

/** The anchors of a Markdown document's headings (outside code blocks). */
function anchorsOf(document: string): Set<string> {
  const anchors = new Set<string>();
  let inCode = false;
  for (const line of readFileSync(join(root, document), 'utf8').split('\n')) {
    if (line.startsWith('```')) inCode = !inCode;
    const heading = inCode ? null : /^#{1,6} (.+)$/.exec(line);
    if (heading?.[1] === undefined) continue;
    const slug = heading[1]
      .toLowerCase()
      .replace(/[^\p{L}\p{N} _-]/gu, '')
      .replace(/ /g, '-');
    anchors.add(slug);
  }
  return anchors;
}

/** `[text](target)` links that are not absolute URLs, with the document they are in. */
function relativeLinks(document: string): { document: string; target: string }[] {
  const text = readFileSync(join(root, document), 'utf8').replace(/^```[\s\S]*?^```$/gm, '');
  return [...text.matchAll(/\]\(([^)\s]+)\)/g)]
    .map((match) => match[1] ?? '')
    .filter((target) => !/^[a-z]+:/.test(target))
    .map((target) => ({ document, target }));
}

describe('links in the README and docs/', () => {
  const links = userDocuments().flatMap(relativeLinks);

  it.each(links.map((link) => [`${link.document} → ${link.target}`, link] as const))(
    '%s',
    (_title, { document, target }) => {
      const [path = '', fragment] = target.split('#');
      const file = path === '' ? document : normalize(join(dirname(document), path));
      expect(existsSync(join(root, file)), `${file} does not exist`).toBe(true);
      if (fragment !== undefined && file.endsWith('.md')) {
        expect([...anchorsOf(file)], `no heading #${fragment} in ${file}`).toContain(fragment);
      }
    },
  );
});
