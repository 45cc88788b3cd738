import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/', 'coverage/', 'bench/results/', 'node_modules/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['rxjs/internal/*'], message: 'Use public RxJS only.' }] },
      ],
    },
  },
  {
    // rodeo/redis is its own entry point: nothing else in src loads it or a Redis client.
    files: ['src/server/**', 'src/cluster/**', 'src/index.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: ['redis'],
          patterns: [
            { group: ['**/redis/*', '../redis'], message: 'Only rodeo/redis loads Redis.' },
            { group: ['rxjs/internal/*'], message: 'Use public RxJS only.' },
          ],
        },
      ],
    },
  },
  {
    files: ['src/handler/**', 'src/operators/**', 'src/testing/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: ['ws', 'node:http', 'http', 'node:net', 'net', 'redis'],
          patterns: [
            {
              group: ['**/server/**', '**/server/*', '../server', '../server/*', '**/redis/*'],
              message: 'Nothing imports server.',
            },
            { group: ['rxjs/internal/*'], message: 'Use public RxJS only.' },
          ],
        },
      ],
    },
  },
  {
    files: ['src/handler/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: ['ws', 'node:http', 'http', 'node:net', 'net', 'redis'],
          patterns: [
            {
              group: ['../operators/*', '../testing/*', '../server/*', '../redis/*'],
              message: 'handler imports nothing above it.',
            },
          ],
        },
      ],
    },
  },
);
