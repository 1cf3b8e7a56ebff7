// ESLint for src/, test/ and migrations/ (`npm run lint`, part of `npm test`). Formatting is
// Prettier's job (settings in package.json); these are the recommended rules for mistakes such
// as unused code, without type information so they stay fast.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', 'data/**', 'public/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' },
      ],
      // Kysely's migrations and a few adapters take Kysely<any> on purpose (the schema of that moment).
      '@typescript-eslint/no-explicit-any': 'off',
    },
  },
  {
    // Sizes a newcomer can read: a source file fits on a few screens, a function on one.
    files: ['src/**/*.ts'],
    rules: {
      'max-lines': ['error', { max: 250 }],
      'max-lines-per-function': ['error', { max: 80 }],
    },
  },
);
