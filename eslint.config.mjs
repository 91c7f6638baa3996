// ESLint flat config: typescript-eslint's type-checked rules (floating promises, unsafe any, …) over src, test and
// bench, plus the project's own boundaries. `npm run lint` runs it; `npm test` runs it before the tests.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', 'test/sdk/generated/**', 'test-artifacts/**', 'clients/**', '**/*.cjs', '**/*.js', '**/*.mjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { project: './tsconfig.check.json', tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false, attributes: false } }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      '@typescript-eslint/require-await': 'off',
      '@typescript-eslint/unbound-method': 'off',
    },
  },
  {
    // Scheduler backends are internals of the scheduler module: everything else goes through src/scheduler/*.ts.
    files: ['src/**/*.ts'],
    ignores: ['src/scheduler/**'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['**/scheduler/backends/**'], message: 'Import scheduler backends through src/scheduler/ (the module\'s public files), not their internals.' }] }],
    },
  },
  {
    // Configuration is read and validated once, in src/config.
    files: ['src/**/*.ts'],
    ignores: ['src/config/**', 'src/cli/**', 'src/main.ts', 'src/embedded/**'],
    rules: { 'no-restricted-properties': ['error', { object: 'process', property: 'env', message: 'Read configuration through AppConfig (src/config), not process.env.' }] },
  },
  {
    files: ['test/**/*.ts', 'bench/**/*.ts', 'src/**/*.spec.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
);
