import { describe, expect, it } from 'vitest';
import { groupStatus } from './group-text.ts';
import { canEdit, canRemove, rolesICanGive } from './permissions.ts';

describe('group permissions', () => {
  it('lets admins and the owner edit, members not, former members nothing', () => {
    expect([canEdit('owner'), canEdit('admin'), canEdit('member'), canEdit(null)]).toEqual([
      true,
      true,
      false,
      false,
    ]);
  });

  it('lets admins remove members, and the owner anyone but the owner', () => {
    expect(canRemove('admin', 'member')).toBe(true);
    expect(canRemove('admin', 'admin')).toBe(false);
    expect(canRemove('owner', 'admin')).toBe(true);
    expect(canRemove('member', 'member')).toBe(false);
  });

  it('lets only the owner promote, demote and hand over, never to themself', () => {
    expect(rolesICanGive('owner', 'member', false)).toEqual(['admin', 'owner']);
    expect(rolesICanGive('owner', 'admin', false)).toEqual(['member', 'owner']);
    expect(rolesICanGive('owner', 'owner', true)).toEqual([]);
    expect(rolesICanGive('admin', 'member', false)).toEqual([]);
  });

  it('says how many are in the group and online', () => {
    expect(groupStatus(1, null)).toBe('1 member');
    expect(groupStatus(3, 0)).toBe('3 members');
    expect(groupStatus(3, 2)).toBe('3 members, 2 online');
  });
});
