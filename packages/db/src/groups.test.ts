import { describe, expect, it } from 'vitest';
import { planChange, planCreate, type GroupState } from './groups.ts';
import { ConversationRuleError } from './store.ts';
import type { Conversation, GroupChange, Membership, Role, RolePolicy } from './types.ts';

const at = new Date('2025-03-01T12:00:00.000Z');
const MANAGERS: RolePolicy = { owner: ['admin', 'member'], admin: ['member'] };

function group(over: Partial<Conversation> = {}): Conversation {
  return {
    id: 'g',
    kind: 'group',
    title: null,
    avatarId: null,
    isPublic: false,
    memberCount: 3,
    createdBy: null,
    createdAt: at,
    lastMessageAt: null,
    lastSeq: 0,
    closedAt: null,
    ...over,
  };
}

function member(userId: string, role: Role = 'member', left = false): Membership {
  return {
    conversationId: 'g',
    userId,
    role,
    joinedAt: at,
    leftAt: left ? at : null,
    deliveredSeq: 0,
    readSeq: 0,
  };
}

function state(over: Partial<GroupState> & { rows?: Membership[]; actorId?: string }): GroupState {
  const rows = over.rows ?? [member('owner', 'owner'), member('admin', 'admin'), member('m1')];
  const members = new Map(rows.map((row) => [row.userId, row]));
  return {
    group: over.group === undefined ? group() : over.group,
    actor: members.get(over.actorId ?? 'owner') ?? null,
    members,
    knownUsers: over.knownUsers ?? new Set(),
    heir: over.heir ?? null,
  };
}

type Existing = Exclude<GroupChange, { type: 'create' }>;

function reason(change: Existing, s: GroupState, max = 10): string {
  try {
    planChange(change, s, max);
  } catch (error) {
    expect(error).toBeInstanceOf(ConversationRuleError);
    return (error as ConversationRuleError).reason;
  }
  return 'allowed';
}

describe('planChange (group rules, decided before any write)', () => {
  it('refuses what is not a group, and strangers of a private group as if it did not exist', () => {
    const join: Existing = { type: 'join', conversationId: 'g', actorId: 'x' };
    expect(reason(join, state({ group: null }))).toBe('not_found');
    expect(reason(join, state({ group: group({ kind: 'direct' }) }))).toBe('not_found');
    const leave: Existing = { type: 'leave', conversationId: 'g', actorId: 'x' };
    expect(reason(leave, state({ actorId: 'x' }))).toBe('not_found');
    expect(reason(leave, state({ actorId: 'x', group: group({ isPublic: true }) }))).toBe(
      'not_member',
    );
    expect(reason(leave, state({ rows: [member('x', 'member', true)], actorId: 'x' }))).toBe(
      'not_member',
    );
  });

  it('lets anyone join an open public group with room, once', () => {
    const join: Existing = { type: 'join', conversationId: 'g', actorId: 'x' };
    expect(reason(join, state({ actorId: 'x' }))).toBe('not_public');
    expect(
      reason(join, state({ actorId: 'x', group: group({ isPublic: true, closedAt: at }) })),
    ).toBe('closed');
    expect(reason(join, state({ actorId: 'x', group: group({ isPublic: true }) }), 3)).toBe('full');
    expect(planChange(join, state({ actorId: 'x', group: group({ isPublic: true }) }), 4)).toEqual({
      system: { action: 'joined', actorId: 'x' },
      admit: [{ userIds: ['x'], role: 'member' }],
    });
    expect(
      planChange(join, state({ actorId: 'm1', group: group({ isPublic: true }) }), 4),
    ).toBeNull();
  });

  it('adds only those not in already, who exist, within the cap, by a role the policy allows', () => {
    const add = (actorId: string, userIds: string[]): Existing => ({
      type: 'add',
      conversationId: 'g',
      actorId,
      userIds,
      policy: MANAGERS,
    });
    const known = new Set(['new1', 'new2', 'gone']);
    const rows = [member('owner', 'owner'), member('m1'), member('gone', 'member', true)];
    expect(reason(add('m1', ['new1']), state({ rows, actorId: 'm1', knownUsers: known }))).toBe(
      'forbidden',
    );
    expect(reason(add('owner', ['ghost']), state({ rows, knownUsers: known }))).toBe(
      'unknown_user',
    );
    expect(
      planChange(add('owner', ['m1', 'owner']), state({ rows, knownUsers: known }), 10),
    ).toBeNull();
    expect(reason(add('owner', ['new1', 'new2']), state({ rows, knownUsers: known }), 4)).toBe(
      'full',
    );
    expect(
      planChange(
        add('owner', ['new1', 'gone', 'new1', 'm1']),
        state({ rows, knownUsers: known }),
        5,
      ),
    ).toEqual({
      system: { action: 'added', actorId: 'owner', userIds: ['new1', 'gone'] },
      admit: [{ userIds: ['new1', 'gone'], role: 'member' }],
    });
  });

  it('removes and sets roles only on members the actor’s role may act on', () => {
    const remove = (actorId: string, userId: string): Existing => ({
      type: 'remove',
      conversationId: 'g',
      actorId,
      userId,
      policy: MANAGERS,
    });
    expect(reason(remove('admin', 'owner'), state({ actorId: 'admin' }))).toBe('forbidden');
    expect(reason(remove('owner', 'owner'), state({}))).toBe('forbidden');
    expect(reason(remove('owner', 'nobody'), state({}))).toBe('target_not_member');
    expect(planChange(remove('admin', 'm1'), state({ actorId: 'admin' }), 10)?.release).toEqual([
      'm1',
    ]);
    const handOver: Existing = {
      type: 'setRole',
      conversationId: 'g',
      actorId: 'owner',
      userId: 'admin',
      role: 'owner',
      policy: { owner: ['admin', 'member'] },
    };
    expect(planChange(handOver, state({}), 10)?.roles).toEqual([
      { userId: 'admin', role: 'owner' },
      { userId: 'owner', role: 'admin' },
    ]);
    expect(planChange({ ...handOver, role: 'admin' }, state({}), 10)).toBeNull();
  });

  it('hands the group to the heir when its owner leaves', () => {
    const leave: Existing = { type: 'leave', conversationId: 'g', actorId: 'owner' };
    expect(planChange(leave, state({ heir: 'admin' }), 10)).toEqual({
      system: { action: 'left', actorId: 'owner', newOwnerId: 'admin' },
      release: ['owner'],
      roles: [{ userId: 'admin', role: 'owner' }],
    });
    expect(
      planChange({ ...leave, actorId: 'm1' }, state({ actorId: 'm1', heir: 'x' }), 10),
    ).toEqual({ system: { action: 'left', actorId: 'm1', newOwnerId: null }, release: ['m1'] });
  });

  it('updates only the fields that change', () => {
    const update: Existing = {
      type: 'update',
      conversationId: 'g',
      actorId: 'owner',
      policy: { owner: [] },
      title: 'Same',
      isPublic: true,
    };
    expect(planChange(update, state({ group: group({ title: 'Same' }) }), 10)).toEqual({
      system: { action: 'updated', actorId: 'owner', isPublic: true },
      update: { isPublic: true },
    });
    expect(
      planChange(update, state({ group: group({ title: 'Same', isPublic: true }) }), 10),
    ).toBeNull();
    expect(reason(update, state({ actorId: 'm1' }))).toBe('forbidden');
  });
});

describe('planCreate (a new group)', () => {
  const create = (memberIds: string[], avatarId: string | null = null) =>
    ({
      type: 'create',
      actorId: 'owner',
      title: 'Hikers',
      memberIds,
      avatarId,
      isPublic: false,
    }) as const;

  it('makes the actor its owner and the others, each once, its members', () => {
    expect(planCreate(create(['a', 'owner', 'b', 'a']), new Set(['a', 'b']), 3)).toEqual({
      system: { action: 'created', actorId: 'owner', title: 'Hikers', userIds: ['a', 'b'] },
      admit: [
        { userIds: ['owner'], role: 'owner' },
        { userIds: ['a', 'b'], role: 'member' },
      ],
    });
    expect(planCreate(create([], 'pic'), new Set(), 1).update).toEqual({ avatarId: 'pic' });
  });

  it('refuses users who do not exist and groups over the cap', () => {
    const refusal = (run: () => unknown) => {
      try {
        run();
      } catch (error) {
        expect(error).toBeInstanceOf(ConversationRuleError);
        return (error as ConversationRuleError).reason;
      }
      return 'allowed';
    };
    expect(refusal(() => planCreate(create(['a', 'ghost']), new Set(['a']), 10))).toBe(
      'unknown_user',
    );
    expect(refusal(() => planCreate(create(['a', 'b']), new Set(['a', 'b']), 2))).toBe('full');
  });
});
