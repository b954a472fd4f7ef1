import { describe, expect, it } from 'vitest';
import { createDrafts } from './drafts.ts';
import { parseRoute, routePath } from './route.ts';

describe('drafts', () => {
  it('keeps one draft per conversation across reloads', () => {
    const data = new Map<string, string>();
    const storage = {
      getItem: (k: string) => data.get(k) ?? null,
      setItem: (k: string, v: string) => void data.set(k, v),
    };
    const a = createDrafts(storage, 'd');
    a.set('bob', 'half a thought');
    a.set('cy', 'x');
    a.set('cy', '');
    const b = createDrafts(storage, 'd');
    expect(b.get('bob')).toBe('half a thought');
    expect(b.get('cy')).toBe('');
  });
});

describe('routes', () => {
  it('round-trips paths', () => {
    for (const route of [
      { name: 'home' },
      { name: 'profile' },
      { name: 'chat', peerId: 'a b/c' },
    ] as const) {
      expect(parseRoute(routePath(route))).toEqual(route);
    }
    expect(parseRoute('/nope')).toEqual({ name: 'home' });
  });
});
