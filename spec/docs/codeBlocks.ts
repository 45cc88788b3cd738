/**
 * Finds the TypeScript blocks of the user documentation and the spec files they must equal.
 *
 * A block is shown to users only if the suite compiles and runs it: each ```ts block in the README
 * and in `docs/` is preceded by a marker naming the file it copies, `<!-- file: spec/…/x.ts -->`,
 * and must equal that file byte for byte. The file lives under `spec/`, so the type check compiles
 * it, and it is either a spec or imported by a spec next to it, so vitest runs it.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root. */
export const root = fileURLToPath(new URL('../../', import.meta.url));

/** A ```ts block of a Markdown document, with the file its marker names (if any). */
export interface CodeBlock {
  readonly document: string;
  /** The line of the opening fence (1-based). */
  readonly line: number;
  /** The line of the closing fence (1-based). */
  readonly end: number;
  readonly file: string | undefined;
  readonly code: string;
}

const marker = /^<!-- file: (\S+) -->$/;

/** Every ```ts block of one Markdown document (path relative to the root). */
export function codeBlocksOf(document: string): CodeBlock[] {
  const lines = readFileSync(join(root, document), 'utf8').split('\n');
  const blocks: CodeBlock[] = [];
  for (let index = 0; index < lines.length; index++) {
    if (lines[index] !== '```ts') continue;
    const end = lines.indexOf('```', index + 1);
    if (end < 0) throw new Error(`${document}:${index + 1}: unterminated code block`);
    // Prettier puts a blank line between an HTML comment and the fence.
    const above = lines[index - 1] === '' ? lines[index - 2] : lines[index - 1];
    const file = marker.exec(above ?? '')?.[1];
    const code = lines.slice(index + 1, end).join('\n') + '\n';
    blocks.push({ document, line: index + 1, end: end + 1, file, code });
    index = end;
  }
  return blocks;
}

/** The README and every Markdown document under `docs/` (the generated API reference aside). */
export function userDocuments(): string[] {
  const documents = ['README.md'];
  const walk = (folder: string): void => {
    for (const entry of readdirSync(join(root, folder), { withFileTypes: true })) {
      const path = join(folder, entry.name);
      if (entry.isDirectory() && path !== join('docs', 'api')) walk(path);
      else if (entry.name.endsWith('.md')) documents.push(path);
    }
  };
  walk('docs');
  return documents.sort();
}

/**
 * Whether vitest runs `file`: it is a spec, or a spec in its folder imports it (`from './x.js'`)
 * or runs it as a program (`'./x.ts'`).
 */
export function runsInTheSuite(file: string): boolean {
  if (file.endsWith('.spec.ts')) return true;
  const folder = join(root, file, '..');
  const name = relative(folder, join(root, file));
  const imported = `from './${name.replace(/\.ts$/, '.js')}'`;
  const spawned = `'./${name}'`;
  return readdirSync(folder)
    .filter((entry) => entry.endsWith('.spec.ts'))
    .map((spec) => readFileSync(join(folder, spec), 'utf8'))
    .some((spec) => spec.includes(imported) || spec.includes(spawned));
}

/**
 * Copies each marked block's file into the block, in the README and every document of `docs/`;
 * returns the documents it changed. `npm run docs:code` runs it.
 */
export function syncCodeBlocks(): string[] {
  const changed: string[] = [];
  for (const document of userDocuments()) {
    const path = join(root, document);
    const before = readFileSync(path, 'utf8');
    const lines = before.split('\n');
    // From the last block up, so that earlier blocks keep their line numbers.
    for (const block of codeBlocksOf(document).reverse()) {
      if (block.file === undefined) continue;
      const code = readFileSync(join(root, block.file), 'utf8').replace(/\n$/, '').split('\n');
      lines.splice(block.line, block.end - block.line - 1, ...code);
    }
    const after = lines.join('\n');
    if (after !== before) {
      writeFileSync(path, after);
      changed.push(document);
    }
  }
  return changed;
}
