import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    root: new URL('..', import.meta.url).pathname,
    include: ['tests/**/*.test.ts'],
    globalSetup: ['tests/e2e/globalSetup.ts'],
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 120_000,
    hookTimeout: 300_000,
    // expect.poll waits for state, not for a budget: a second (vitest's default) is not enough on a
    // busy 2-core machine (a password reset's scrypt, a page's next fetch). Budgets set their own.
    expect: { poll: { timeout: 20_000, interval: 100 } },
    // A skipped test is a failing promise: .only/.skip must never reach CI.
    allowOnly: false,
    // The suite's default city is the Beijing demo's zone; tests of other cities set theirs.
    env: { CITY_TIME_ZONE: 'Asia/Shanghai' },
  },
});
