import { defineConfig } from 'vitest/config';

/** Measurements (not part of `test`): `pnpm measure:load` runs Lighthouse on the signed-in screen. */
export default defineConfig({
  test: {
    include: ['e2e/**/*.measure.ts'],
    environment: 'node',
    testTimeout: 600_000,
    hookTimeout: 120_000,
    fileParallelism: false,
  },
});
