import { describe, expect, it } from 'vitest';
import { describeSystem, listNames, systemUserIds } from './system-text.ts';

const names: Record<string, string> = { ann: 'Ann', bob: 'Bob', cy: 'Cy', dan: 'Dan', eve: 'Eve' };
const say = (s: Parameters<typeof describeSystem>[0], me = 'ann') =>
  describeSystem(s, (id) => names[id] ?? 'Someone', me);

describe('system lines', () => {
  it('say who did what, with "you" for me', () => {
    expect(say({ action: 'created', actorId: 'bob', title: 'Climbers', userIds: ['ann'] })).toBe(
      'Bob created the group “Climbers”',
    );
    expect(say({ action: 'added', actorId: 'ann', userIds: ['bob', 'cy'] })).toBe(
      'You added Bob and Cy',
    );
    expect(say({ action: 'added', actorId: 'bob', userIds: ['ann'] })).toBe('Bob added you');
    expect(say({ action: 'removed', actorId: 'bob', userId: 'cy' })).toBe('Bob removed Cy');
    expect(say({ action: 'left', actorId: 'ann', newOwnerId: null })).toBe('You left');
    expect(say({ action: 'left', actorId: 'bob', newOwnerId: 'ann' })).toBe(
      'Bob left; you are now the owner',
    );
    expect(say({ action: 'joined', actorId: 'dan' })).toBe('Dan joined');
    expect(say({ action: 'role', actorId: 'bob', userId: 'ann', role: 'admin' })).toBe(
      'Bob made you an admin',
    );
    expect(say({ action: 'role', actorId: 'ann', userId: 'cy', role: 'owner' })).toBe(
      'You made Cy the owner',
    );
  });

  it('describe every part of an update', () => {
    expect(say({ action: 'updated', actorId: 'bob', title: 'Boulder' })).toBe(
      'Bob renamed the group to “Boulder”',
    );
    expect(say({ action: 'updated', actorId: 'bob', avatarId: null, isPublic: true })).toBe(
      'Bob removed the group picture and made the group public',
    );
  });

  it('list names briefly', () => {
    expect(listNames(['A'])).toBe('A');
    expect(listNames(['A', 'B', 'C'])).toBe('A, B and C');
    expect(listNames(['A', 'B', 'C', 'D', 'E'])).toBe('A, B and 3 others');
  });

  it('names everyone a line mentions, for the directory', () => {
    expect(systemUserIds({ action: 'added', actorId: 'ann', userIds: ['bob'] })).toEqual([
      'ann',
      'bob',
    ]);
    expect(systemUserIds(null)).toEqual([]);
  });
});
