// Copies each spec file named by a `<!-- file: spec/… -->` marker into the ```ts block under it,
// in the README and every Markdown file of docs/ (the generated API reference aside), so a doc's
// code is edited, type-checked and run as the spec file, then shown as it is.
// spec/docs/codeBlocks.spec.ts fails when a block and its file differ: run `npm run docs:code`.
import process from 'node:process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, URL } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const documents = ['README.md'];
const walk = (folder) => {
  for (const entry of readdirSync(join(root, folder), { withFileTypes: true })) {
    const path = join(folder, entry.name);
    if (entry.isDirectory() && path !== join('docs', 'api')) walk(path);
    else if (entry.name.endsWith('.md')) documents.push(path);
  }
};
walk('docs');

const block = /^<!-- file: (\S+) -->\n\n?```ts\n[\s\S]*?^```$/gm;
for (const document of documents) {
  const before = readFileSync(join(root, document), 'utf8');
  const after = before.replace(
    block,
    (_, file) =>
      `<!-- file: ${file} -->\n\n\`\`\`ts\n${readFileSync(join(root, file), 'utf8')}\`\`\``,
  );
  if (after !== before) {
    writeFileSync(join(root, document), after);
    process.stdout.write(`updated ${document}\n`);
  }
}
