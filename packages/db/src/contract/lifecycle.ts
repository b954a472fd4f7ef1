import { describe, expect, it } from 'vitest';
import type { ContractContext } from './fixtures.ts';

export function lifecycleContract({ store, open }: ContractContext): void {
  describe('lifecycle', () => {
    it('answers ping while open', async () => {
      expect(await store().ping()).toBe(true);
    });

    it('opens fresh stores that do not share data with each other', async () => {
      const other = await open();
      try {
        await store().createUser({
          username: 'alice',
          email: 'alice@example.com',
          passwordHash: 'h',
          displayName: 'Alice',
        });

        expect(await other.findUserByLogin('alice')).toBeNull();
      } finally {
        await other.close();
      }
    });

    it('closes', async () => {
      const other = await open();

      await expect(other.close()).resolves.toBeUndefined();
    });
  });
}
