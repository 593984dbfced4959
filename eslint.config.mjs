import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/** Every file: provider classes come from their own module (the package root loads every resource). */
const providerRoot = {
  name: '@cdktf/provider-aws',
  message: "Import provider classes from '@cdktf/provider-aws/lib/<resource>': the package root loads every resource module.",
};

/** A relative import of the top-level folder `dir`, from any depth (`../sandbox/x`, `../../cli`). */
const folder = (dir) => `^(\\.\\./)+${dir}(/|$)`;

const NO_STANDINS = [
  {
    regex: folder('sandbox'),
    message: 'Product code never imports the local stand-ins (sandbox/): the sandbox plugs into deploy through its interfaces.',
  },
  { regex: folder('bench'), message: 'Product code never imports the benchmarks (bench/).' },
];
const NO_CLI = {
  regex: folder('cli'),
  message: 'Library code never imports the command line (cli/): the CLI calls the library, not the reverse.',
};
const NO_DEPLOY = {
  regex: folder('deploy'),
  message: 'The reconciler (asgardeo/) never imports the deploy pipeline (deploy/): deploy calls it.',
};

/**
 * The layers (see ARCHITECTURE.md). `no-restricted-imports` replaces, not merges, per matching block,
 * so every block repeats the provider rule.
 */
const layer = (files, patterns) => ({
  files,
  rules: { 'no-restricted-imports': ['error', { paths: [providerRoot], patterns }] },
});

export default tseslint.config(
  { ignores: ['node_modules/', 'cdktf.out/', 'dist/', '.gen/', 'coverage/', 'bench/out/', '.tollgate/', '**/*.js', '**/*.mjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-imports': ['error', { paths: [providerRoot] }],
      // Import cycles (type-only imports included) are scripts/check-import-cycles.js's, the second half of `npm run lint`.
      // Prettier wraps code at 140; this catches what it cannot wrap (long strings, comments, test names).
      'max-len': ['error', { code: 140 }],
    },
  },
  layer(
    ['config/**/*.ts', 'stacks/**/*.ts', 'constructs/**/*.ts', 'lambda/**/*.ts', 'errors/**/*.ts', 'main.ts'],
    [...NO_STANDINS, NO_CLI, NO_DEPLOY],
  ),
  layer(['asgardeo/**/*.ts'], [...NO_STANDINS, NO_CLI, NO_DEPLOY]),
  // export/ reads Asgardeo through the reconciler's transport; the CLI calls it.
  layer(['export/**/*.ts'], [...NO_STANDINS, NO_CLI, NO_DEPLOY]),
  layer(['deploy/**/*.ts'], [...NO_STANDINS, NO_CLI]),
  // Tests exercise their layer with the stand-ins, so they may import sandbox/ (never cli/ from a library's tests).
  layer(
    [
      'config/__tests__/**',
      'stacks/__tests__/**',
      'constructs/__tests__/**',
      'lambda/__tests__/**',
      'asgardeo/__tests__/**',
      'deploy/__tests__/**',
      'export/__tests__/**',
    ],
    [],
  ),
);
