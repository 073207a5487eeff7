// @ts-check
import js from '@eslint/js';
import prettierConfig from 'eslint-config-prettier';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';
import importX from 'eslint-plugin-import-x';
import tseslint from 'typescript-eslint';

/**
 * The folders of src/ from the bottom up: a folder may import its own layer and those below it,
 * never one above (README "Layout"). bench/ and test-support/ stand above everything.
 */
const LAYERS = [
  ['errors.ts', 'text'],
  ['time'],
  ['money', 'numbering'],
  ['input', 'subscription', 'tariff'],
  ['reference', 'rate', 'discount'],
  ['aggregate'],
  ['store'],
  ['export', 'recycle'],
  ['ingest', 'statement'],
  ['billing', 'rerate'],
  ['reconcile', 'view'],
  ['cli'],
  ['bench', 'test-support'],
];

const message =
  'this folder sits above the importing one (layers in eslint.config.mjs): move the shared piece down instead';
const layerZones = LAYERS.flatMap((layer, index) => {
  const above = LAYERS.slice(index + 1).flat();
  return above.length === 0
    ? []
    : layer.map((folder) => ({ target: `./src/${folder}`, from: above.map((name) => `./src/${name}`), message }));
});

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'coverage/', 'bench/out/', 'test-artifacts/', 'data/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    plugins: { 'import-x': importX },
    settings: {
      // import-x reads the files an import leads to with the TypeScript parser, or it sees no cycle through them.
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts'] },
      'import-x/extensions': ['.ts', '.js'],
      'import-x/resolver-next': [createTypeScriptImportResolver({ project: './tsconfig.json' })],
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      // `_name`: left out on purpose (a destructured field dropped, a parameter a signature needs).
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
      // Control characters in patterns are what input checks look for (quoteInput, csvOutput).
      'no-control-regex': 'off',
      // MeisaiErrors are one line for the operator by design; the cause is named in the message.
      'preserve-caught-error': 'off',
    },
  },
  {
    files: ['src/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: { 'import-x/no-restricted-paths': ['error', { zones: layerZones }] },
  },
  {
    // Nothing imports a test file, so no cycle runs through one: a cycle among the files it imports
    // is found when those files are linted. Following every test's imports again cost ~2 s a run.
    files: ['**/*.test.ts'],
    rules: { 'import-x/no-cycle': 'off' },
  },
  {
    files: ['**/*.test.ts', 'src/test-support/**'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-require-imports': 'off',
      // Expected text is written as it is printed, aligned spaces included.
      'no-regex-spaces': 'off',
    },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    languageOptions: {
      globals: {
        require: 'readonly',
        module: 'writable',
        process: 'readonly',
        __dirname: 'readonly',
        console: 'readonly',
      },
    },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  // Last: turns off the style rules Prettier owns (`npm run format`).
  prettierConfig,
);
