import { createTRPCUntypedClient } from '@trpc/client';
import { appRouter } from '@parley/api';
import { describe, expect, it } from 'vitest';

// A root key that shares a name with a member of tRPC's own client object (`links`, `runtime`,
// `query`…) shadows it in `useUtils().client` and silently loses its types in React apps.
describe('the root router', () => {
  it('has no key that a tRPC client object already uses', () => {
    const client = createTRPCUntypedClient({ links: [] });
    const own = new Set<string>([
      ...Object.keys(client),
      ...Object.getOwnPropertyNames(Object.getPrototypeOf(client)),
    ]);
    const roots = Object.keys(appRouter._def.record);
    expect(roots.length).toBeGreaterThan(5);
    expect(own.has('links')).toBe(true);
    expect(roots.filter((key) => own.has(key))).toEqual([]);
  });
});
