/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>'],
  testMatch: ['**/__tests__/**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/cdktf.out/', '/dist/'],
  transform: {
    // Transpile only, with esbuild: type-checking happens once, in `npm run typecheck` (tsc --noEmit).
    '^.+\\.ts$': '<rootDir>/scripts/jest-esbuild-transform.js',
  },
  setupFilesAfterEnv: ['<rootDir>/jest.setup.js'],
  // On a fresh clone (no timings yet) the real-Terraform files start first instead of last.
  testSequencer: '<rootDir>/scripts/jest-sequencer.js',
  // One worker per core. Jest's default is one fewer than the cores, which on a 2-core machine (CI's)
  // means one worker, run in band: half the machine idle while real Terraform and the provider work.
  maxWorkers: '100%',
  testTimeout: 30000,
  // Console output is buffered per file and shown only for files with a failure (quiet reporter),
  // also when a single file runs (jest would otherwise switch to verbose and print it as it comes).
  verbose: false,
  reporters: ['<rootDir>/scripts/jest-quiet-reporter.js', 'summary', '<rootDir>/scripts/jest-summary-reporter.js'],
};
