// Everything but the browser tests, without the browser fixture's set-up: for daily work on one
// file (`npx vitest run --config tests/vitest.node.config.ts tests/data/city`). `npm test` runs all.
import { defineConfig } from 'vitest/config';
import base from './vitest.config.ts';

export default defineConfig({
  test: { ...base.test, globalSetup: [], exclude: ['tests/e2e/**', '**/node_modules/**'] },
});
