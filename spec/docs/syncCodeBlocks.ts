/** `npm run docs:code`: copies the spec files the documentation shows into its code blocks. */
import { syncCodeBlocks } from './codeBlocks.js';

for (const document of syncCodeBlocks()) process.stdout.write(`updated ${document}\n`);
