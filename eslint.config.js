// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/** The services, which only the top floor sits above. */
const SERVICES = ['@sim2real/translator', '@sim2real/dataset-adapter', '@sim2real/face-regressor'];
/** The command line: nothing imports it. */
const CLI = 'sim2real';
/** The top floor, by folder: the command line, the benchmarks and the demo. They may import services, and the benchmarks and the demo import neither the command line nor each other. */
const TOP_FLOOR = { 'packages/cli': CLI, 'packages/benchmarks': '@sim2real/benchmarks', 'packages/demo': '@sim2real/demo' };
const TOP = Object.values(TOP_FLOOR);

/**
 * `no-restricted-imports` options: every file imports a package through its index (house style 1; a package's
 * one other entry point is `/testing`, fixtures for the tests of packages built on it), and `forbidden` names
 * the packages a file may not import at all, which keeps the floors one-way.
 * @param {readonly string[]} forbidden
 */
function restrictedImports(forbidden) {
  return [
    'error',
    {
      paths: forbidden.map((name) => ({ name, message: 'Imports go down the floors only: libraries < services < command line, benchmarks and demo (which do not import each other).' })),
      patterns: [
        { group: ['@sim2real/*/src/*', '@sim2real/*/*', '!@sim2real/*/testing'], message: 'Import a package through its index (house style 1).' },
      ],
    },
  ];
}

/** Each service's own code may import libraries only, never another service or the top floor. */
const serviceLayers = SERVICES.map((service) => ({
  files: [`services/${service.replace('@sim2real/', '')}/src/**`],
  rules: { 'no-restricted-imports': restrictedImports([...SERVICES.filter((other) => other !== service), ...TOP]) },
}));

/** The benchmarks and the demo import neither the command line nor each other (the command line loads the demo). */
const topFloorLayers = ['packages/benchmarks', 'packages/demo'].map((folder) => ({
  files: [`${folder}/**`],
  rules: { 'no-restricted-imports': restrictedImports(TOP.filter((name) => name !== TOP_FLOOR[/** @type {keyof typeof TOP_FLOOR} */ (folder)])) },
}));

export default tseslint.config(
  { ignores: ['**/node_modules/**', '**/generated/**', '**/dist/**', '**/bin/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': [
        'error',
        // node:test reports a test's failure itself; its returned promise needs no handling.
        { allowForKnownSafeCalls: [{ from: 'package', package: 'node:test', name: ['test', 'describe', 'it', 'suite'] }] },
      ],
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-imports': restrictedImports([]),
    },
  },
  {
    // Libraries (every package below the top floor) import no service and nothing of the top floor.
    files: ['packages/**'],
    ignores: Object.keys(TOP_FLOOR).map((folder) => `${folder}/**`),
    rules: { 'no-restricted-imports': restrictedImports([...SERVICES, ...TOP]) },
  },
  ...serviceLayers,
  ...topFloorLayers,
  {
    files: ['**/test/**', '**/bench/**'],
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
  {
    // CommonJS scripts that Node starts without the TypeScript loader (a worker_threads entry point).
    files: ['**/*.cjs'],
    extends: [tseslint.configs.disableTypeChecked],
    languageOptions: { sourceType: 'commonjs', globals: { require: 'readonly', __filename: 'readonly' } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
