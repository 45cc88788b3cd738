import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/', 'coverage/', 'docs/api/', 'bench/results/', 'node_modules/'] },
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
    // Small modules: none of rodeo's own over 300 lines, comments and blank lines included.
    files: ['src/**'],
    rules: { 'max-lines': ['error', { max: 300 }] },
  },
  {
    // Only the ws adapter imports ws; only rodeo/redis (its own entry point) loads Redis.
    files: ['src/**'],
    ignores: [
      'src/server/ws/**',
      'src/handler/**',
      'src/operators/**',
      'src/testing/**',
      'src/redis/**',
    ],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            { name: 'ws', message: 'Only the ws adapter (src/server/ws) imports ws.' },
            { name: 'redis', message: 'Only rodeo/redis loads Redis.' },
          ],
          patterns: [
            { group: ['**/redis/*', '../redis'], message: 'Only rodeo/redis loads Redis.' },
            { group: ['rxjs/internal/*'], message: 'Use public RxJS only.' },
          ],
        },
      ],
    },
  },
  {
    files: ['src/redis/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'ws', message: 'Only the ws adapter (src/server/ws) imports ws.' }],
          patterns: [{ group: ['rxjs/internal/*'], message: 'Use public RxJS only.' }],
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
