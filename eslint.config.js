import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'dist.*/', 'data/', 'bench/out/', 'bench/node_modules/', 'test/fixtures/', '.scratch/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    // The application code is linted with type information: promises must be awaited or handled
    // (no-floating-promises, no-misused-promises), nothing unsafe flows from `any`.
    files: ['src/**/*.ts', 'commands/**/*.ts'],
    extends: [tseslint.configs.recommendedTypeChecked],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      // Markdown (src/discord/neutralize.ts) is escaped text whose toString is the point.
      '@typescript-eslint/restrict-template-expressions': [
        'error',
        { allow: [{ from: 'file', name: 'Markdown', path: 'src/discord/neutralize.ts' }] },
      ],
      // An abort rejects with the signal's reason, as the platform does.
      '@typescript-eslint/prefer-promise-reject-errors': ['error', { allowThrowingAny: true, allowThrowingUnknown: true }],
      // Async functions that satisfy a promise-returning interface without awaiting are fine.
      '@typescript-eslint/require-await': 'off',
      // Small files with one job, short functions: a longer one says why next to it.
      'max-lines': ['error', { max: 300, skipBlankLines: true, skipComments: true }],
      'max-lines-per-function': ['error', { max: 60, skipBlankLines: true, skipComments: true }],
    },
  },
);
