import { defineConfig } from 'vitest/config';

/**
 * Browser end-to-end tests: the real server in-process, Debian's Chromium through playwright-core.
 * They use the build in dist/ (turbo runs `build` before `test`); they build nothing themselves.
 */
export default defineConfig({
  test: {
    include: ['e2e/**/*.e2e.test.ts'],
    environment: 'node',
    testTimeout: 180_000,
    hookTimeout: 120_000,
    fileParallelism: false,
    reporters: ['default'],
  },
});
