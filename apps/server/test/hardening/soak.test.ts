/** The soak in CI: 30 seconds of steady traffic with a flat heap (the 10-minute run: `pnpm soak`). */
import { describe, expect, it } from 'vitest';
import { runSoak, summary } from './soak.ts';

const SECONDS = Number(process.env.SOAK_CI_SECONDS ?? 30);

describe('soak', () => {
  it(
    `keeps memory flat under ${SECONDS} s of steady traffic`,
    { timeout: (SECONDS + 60) * 1000 },
    async () => {
      const result = await runSoak({ seconds: SECONDS });
      console.info(summary(result));
      expect(result.errors).toEqual([]);
      expect(result.sent).toBeGreaterThan(SECONDS * 40);
      expect(result.received).toBeGreaterThanOrEqual(result.sent);
      expect(result.heapGrowthMiB).toBeLessThan(12);
      expect(result.ok).toBe(true);
    },
  );
});
