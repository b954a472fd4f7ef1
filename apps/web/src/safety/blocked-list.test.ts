import { describe, expect, it } from 'vitest';
import { user } from '../lib/testing.ts';
import { isBlockedIn, withBlocked, withoutBlocked } from './blocked-list.ts';

const bob = user({ id: 'bob' });
const carol = user({ id: 'carol' });
const earlier = new Date(2026, 0, 1);
const now = new Date(2026, 0, 2);

describe('the blocked list, changed before the server answers', () => {
  it('puts a newly blocked person first, once', () => {
    const list = [{ user: carol, blockedAt: earlier }];
    expect(withBlocked(list, bob, now)).toEqual([
      { user: bob, blockedAt: now },
      { user: carol, blockedAt: earlier },
    ]);
    const again = withBlocked([{ user: bob, blockedAt: earlier }], bob, now);
    expect(again).toEqual([{ user: bob, blockedAt: now }]);
  });

  it('drops an unblocked person and tells who is blocked', () => {
    const list = [
      { user: bob, blockedAt: now },
      { user: carol, blockedAt: earlier },
    ];
    const after = withoutBlocked(list, 'bob');
    expect(after.map((e) => e.user.id)).toEqual(['carol']);
    expect(isBlockedIn(list, 'bob')).toBe(true);
    expect(isBlockedIn(after, 'bob')).toBe(false);
    expect(isBlockedIn(undefined, 'bob')).toBe(false);
    expect(isBlockedIn(list, null)).toBe(false);
  });
});
