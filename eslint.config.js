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
    files: ['src/**'],
    ignores: ['src/server/ws/**', 'src/handler/**', 'src/operators/**', 'src/testing/**'],
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
          paths: ['ws', 'node:http', 'http', 'node:net', 'net'],
          patterns: [
            {
              group: ['**/server/**', '**/server/*', '../server', '../server/*'],
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
          paths: ['ws', 'node:http', 'http', 'node:net', 'net'],
          patterns: [
            {
              group: ['../operators/*', '../testing/*', '../server/*'],
              message: 'handler imports nothing above it.',
            },
          ],
        },
      ],
    },
  },
);
