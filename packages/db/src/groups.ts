// The rules of group changes, the same for every adapter: each adapter reads the state a change
// is judged on in its own transaction, lets these functions decide, and writes the plan.
import { ConversationRuleError } from './store.ts';
import type {
  Conversation,
  GroupChange,
  Membership,
  Role,
  RolePolicy,
  SystemEvent,
} from './types.ts';

export type ExistingGroupChange = Exclude<GroupChange, { type: 'create' }>;

/** Of a membership, what the rules look at. */
type MemberFacts = Pick<Membership, 'userId' | 'role' | 'leftAt'>;

/** What a change of an existing group needs to know, read in its transaction. */
export interface GroupState {
  group: Pick<
    Conversation,
    'kind' | 'title' | 'avatarId' | 'isPublic' | 'memberCount' | 'closedAt'
  > | null;
  /** The actor's membership (current or past). */
  actor: MemberFacts | null;
  /** The memberships of the users the change names (current or past), by user id. */
  members: ReadonlyMap<string, MemberFacts>;
  /** Of the users the change names, those who exist. */
  knownUsers: ReadonlySet<string>;
  /** Who takes over from an owner who leaves: the longest-standing admin, else member. */
  heir: string | null;
}

/** What a change does, decided against the current state, before anything is written. */
export interface Plan {
  system: SystemEvent;
  admit?: { userIds: string[]; role: Role }[];
  release?: string[];
  roles?: { userId: string; role: Role }[];
  update?: { title?: string; avatarId?: string | null; isPublic?: boolean };
}

/**
 * Decides what a change does to an existing group (null: nothing to do), or throws the
 * ConversationRuleError it breaks, before anything is written.
 */
export function planChange(
  change: ExistingGroupChange,
  state: GroupState,
  maxMembers: number,
): Plan | null {
  const { group, actor } = state;
  if (!group || group.kind !== 'group') throw new ConversationRuleError('not_found');
  const requireRoom = (joining: number) => {
    if (group.memberCount + joining > maxMembers) throw new ConversationRuleError('full');
  };
  if (change.type === 'join') {
    if (!group.isPublic) throw new ConversationRuleError('not_public');
    if (group.closedAt !== null) throw new ConversationRuleError('closed');
    if (actor && actor.leftAt === null) return null;
    requireRoom(1);
    return {
      system: { action: 'joined', actorId: change.actorId },
      admit: [{ userIds: [change.actorId], role: 'member' }],
    };
  }
  if (!actor && !group.isPublic) throw new ConversationRuleError('not_found');
  if (!actor || actor.leftAt !== null) throw new ConversationRuleError('not_member');
  const allowed = (policy: RolePolicy): Role[] => {
    const roles = policy[actor.role];
    if (!roles) throw new ConversationRuleError('forbidden');
    return roles;
  };
  const target = (userId: string, roles: Role[]): MemberFacts => {
    const row = state.members.get(userId);
    if (!row || row.leftAt !== null) throw new ConversationRuleError('target_not_member');
    if (!roles.includes(row.role)) throw new ConversationRuleError('forbidden');
    return row;
  };
  switch (change.type) {
    case 'add': {
      allowed(change.policy);
      const userIds = [...new Set(change.userIds)].filter((id) => {
        const row = state.members.get(id);
        return !row || row.leftAt !== null;
      });
      if (userIds.length === 0) return null;
      const missing = userIds.find((id) => !state.knownUsers.has(id));
      if (missing !== undefined) throw new ConversationRuleError('unknown_user', missing);
      requireRoom(userIds.length);
      return {
        system: { action: 'added', actorId: actor.userId, userIds },
        admit: [{ userIds, role: 'member' }],
      };
    }
    case 'remove': {
      target(change.userId, allowed(change.policy));
      return {
        system: { action: 'removed', actorId: actor.userId, userId: change.userId },
        release: [change.userId],
      };
    }
    case 'leave': {
      const heir = actor.role === 'owner' ? state.heir : null;
      return {
        system: { action: 'left', actorId: actor.userId, newOwnerId: heir },
        release: [actor.userId],
        ...(heir ? { roles: [{ userId: heir, role: 'owner' as const }] } : {}),
      };
    }
    case 'setRole': {
      const row = target(change.userId, allowed(change.policy));
      if (row.role === change.role || change.userId === actor.userId) return null;
      const roles = [{ userId: change.userId, role: change.role }];
      // Handing the group over: the owner steps down to admin.
      if (change.role === 'owner') roles.push({ userId: actor.userId, role: 'admin' });
      return {
        system: { action: 'role', actorId: actor.userId, userId: change.userId, role: change.role },
        roles,
      };
    }
    case 'update': {
      allowed(change.policy);
      const fields: NonNullable<Plan['update']> = {};
      if (change.title !== undefined && change.title !== group.title) fields.title = change.title;
      if (change.avatarId !== undefined && change.avatarId !== group.avatarId)
        fields.avatarId = change.avatarId;
      if (change.isPublic !== undefined && change.isPublic !== group.isPublic)
        fields.isPublic = change.isPublic;
      if (Object.keys(fields).length === 0) return null;
      return { system: { action: 'updated', actorId: actor.userId, ...fields }, update: fields };
    }
  }
}

/** The users a change names besides its actor (whose memberships `GroupState` holds). */
export function namedUsers(change: ExistingGroupChange): string[] {
  switch (change.type) {
    case 'add':
      return [...new Set(change.userIds)];
    case 'remove':
    case 'setRole':
      return [change.userId];
    default:
      return [];
  }
}

/**
 * What creating a group does: the actor its owner, the others (each once) its members.
 * @throws ConversationRuleError `unknown_user` (a member not in `knownUsers`), `full`
 */
export function planCreate(
  change: Extract<GroupChange, { type: 'create' }>,
  knownUsers: ReadonlySet<string>,
  maxMembers: number,
): Plan {
  const others = [...new Set(change.memberIds)].filter((id) => id !== change.actorId);
  const missing = others.find((id) => !knownUsers.has(id));
  if (missing !== undefined) throw new ConversationRuleError('unknown_user', missing);
  if (others.length + 1 > maxMembers) throw new ConversationRuleError('full');
  return {
    system: { action: 'created', actorId: change.actorId, title: change.title, userIds: others },
    admit: [
      { userIds: [change.actorId], role: 'owner' },
      { userIds: others, role: 'member' },
    ],
    ...(change.avatarId ? { update: { avatarId: change.avatarId } } : {}),
  };
}
