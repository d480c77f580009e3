import { configDefaults, defineConfig } from 'vitest/config';

// Tests that start a real solana-test-validator. `make test` runs them after the validator is built
// (test-validator-late) and sets DFPN_VALIDATOR_TESTS_LATER for the early run, which leaves them out.
const validatorTests = ['test/subscription-resume.test.ts'];

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    exclude: process.env.DFPN_VALIDATOR_TESTS_LATER ? [...configDefaults.exclude, ...validatorTests] : configDefaults.exclude,
    setupFiles: ['test/setup.ts'],
    pool: 'forks',
    poolOptions: { forks: { maxForks: 2, minForks: 1 } },
    testTimeout: 30_000,
    hookTimeout: 60_000,
    reporters: ['default'],
  },
});
