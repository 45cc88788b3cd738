import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const src = (path: string): string => fileURLToPath(new URL(`./src/${path}`, import.meta.url));

export default defineConfig({
  resolve: {
    alias: [
      { find: /^rodeo\/testing$/, replacement: src('testing/index.ts') },
      { find: /^rodeo\/redis$/, replacement: src('redis/index.ts') },
      { find: /^rodeo\/cluster$/, replacement: src('cluster/index.ts') },
      { find: /^rodeo$/, replacement: src('index.ts') },
    ],
  },
  test: {
    include: ['spec/**/*.spec.ts'],
    testTimeout: 20_000,
    hookTimeout: 30_000,
    coverage: {
      provider: 'v8',
      include: ['src/**/*.ts'],
      reporter: ['text-summary', 'text'],
      thresholds: {
        'src/handler/**': { lines: 95 },
        'src/operators/**': { lines: 95 },
      },
    },
  },
});
