import type { Role } from '../lib/protocol.ts';

/**
 * What I may do in a group, as the server's rules say (it checks again): admins and the owner
 * add, remove members, rename, change the picture and the visibility; the owner also removes
 * admins, promotes, demotes and hands the group over. Nobody changes their own role.
 */
export function canEdit(me: Role | null): boolean {
  return me === 'owner' || me === 'admin';
}

export const canAdd = canEdit;

export function canRemove(me: Role | null, them: Role): boolean {
  if (me === 'owner') return them !== 'owner';
  if (me === 'admin') return them === 'member';
  return false;
}

/** The roles I may give someone who has `them` now (none for myself). */
export function rolesICanGive(me: Role | null, them: Role, self: boolean): Role[] {
  if (self || me !== 'owner') return [];
  if (them === 'member') return ['admin', 'owner'];
  if (them === 'admin') return ['member', 'owner'];
  return [];
}
