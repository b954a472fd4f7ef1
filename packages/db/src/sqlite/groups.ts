import { randomUUID } from 'node:crypto';
import type Database from 'better-sqlite3-multiple-ciphers';
import {
  namedUsers,
  planChange,
  planCreate,
  type ExistingGroupChange,
  type GroupState,
  type Plan,
} from '../groups.ts';
import { membershipDelta } from '../membership.ts';
import { systemFields } from '../message-fields.ts';
import type { GroupStore } from '../store.ts';
import type {
  GroupChange,
  GroupChangeInput,
  GroupChangeResult,
  Role,
  StoredEvent,
} from '../types.ts';
import type { SetGroupAvatar } from './attachments.ts';
import { conversationSql } from './conversations.ts';
import type { WriteMessage } from './messages.ts';
import type { Periods } from './periods.ts';
import type { RefreshMarks } from './receipts.ts';
import { toConversation, toMembership, type ConversationRow, type MemberRow } from './rows.ts';

export const groupSql = {
  insertGroup: `
    INSERT INTO conversations
      (id, kind, title, avatar_id, is_public, created_by, member_count, created_at)
    VALUES (@id, 'group', @title, NULL, @isPublic, @createdBy, @memberCount, @createdAt)
    RETURNING *`,
  existingUsers: `SELECT id FROM users WHERE id IN (SELECT value FROM json_each(?))`,
  // A new member, or a former one back: they have everything before their joining message.
  admit: `
    INSERT INTO conversation_members
      (conversation_id, user_id, role, joined_at, delivered_seq, read_seq)
    VALUES (@conversationId, @userId, @role, @at, @caughtUp, @caughtUp)
    ON CONFLICT (conversation_id, user_id) DO UPDATE SET
      role = excluded.role, joined_at = excluded.joined_at, left_at = NULL,
      delivered_seq = max(delivered_seq, excluded.delivered_seq),
      read_seq = max(read_seq, excluded.read_seq)`,
  release: `
    UPDATE conversation_members SET left_at = ?, role = 'member'
    WHERE conversation_id = ? AND user_id = ?`,
  setRole: `UPDATE conversation_members SET role = ? WHERE conversation_id = ? AND user_id = ?`,
  countMembers: `UPDATE conversations SET member_count = member_count + ? WHERE id = ?`,
  close: `UPDATE conversations SET closed_at = ? WHERE id = ? AND member_count = 0`,
  update: `
    UPDATE conversations SET
      title = coalesce(@title, title),
      avatar_id = CASE WHEN @setAvatar THEN @avatarId ELSE avatar_id END,
      is_public = coalesce(@isPublic, is_public)
    WHERE id = @id`,
  // Who takes over from an owner who leaves: the longest-standing admin, else member.
  successor: `
    SELECT user_id FROM conversation_members
    WHERE conversation_id = ? AND left_at IS NULL AND user_id <> ?
    ORDER BY role = 'admin' DESC, joined_at, user_id
    LIMIT 1`,
};

export function groupMethods(
  db: Database.Database,
  deps: {
    writeMessage: WriteMessage;
    periods: Periods;
    refreshMarks: RefreshMarks;
    setGroupAvatar: SetGroupAvatar;
  },
): GroupStore {
  const { writeMessage, periods, refreshMarks, setGroupAvatar } = deps;
  const byId = db.prepare<[string], ConversationRow>(conversationSql.byId);
  const member = db.prepare<[string, string], MemberRow>(conversationSql.member);
  const insertGroup = db.prepare<
    [
      {
        id: string;
        title: string;
        isPublic: number;
        createdBy: string;
        memberCount: number;
        createdAt: number;
      },
    ],
    ConversationRow
  >(groupSql.insertGroup);
  const existingUsers = db.prepare<[string], string>(groupSql.existingUsers).pluck();
  const admit = db.prepare<
    [{ conversationId: string; userId: string; role: Role; at: number; caughtUp: number }]
  >(groupSql.admit);
  const release = db.prepare<[number, string, string]>(groupSql.release);
  const setRole = db.prepare<[Role, string, string]>(groupSql.setRole);
  const countMembers = db.prepare<[number, string]>(groupSql.countMembers);
  const close = db.prepare<[number, string]>(groupSql.close);
  const update = db.prepare<
    [
      {
        id: string;
        title: string | null;
        setAvatar: number;
        avatarId: string | null;
        isPublic: number | null;
      },
    ]
  >(groupSql.update);
  const successor = db.prepare<[string, string], string>(groupSql.successor).pluck();

  /** What the change is judged on (see groups.ts). */
  const readState = (change: ExistingGroupChange): GroupState => {
    const { conversationId, actorId } = change;
    const group = byId.get(conversationId);
    const named = namedUsers(change);
    const members = new Map(
      [actorId, ...named].flatMap((userId) => {
        const row = member.get(conversationId, userId);
        return row ? [[userId, toMembership(row)] as const] : [];
      }),
    );
    const actor = members.get(actorId) ?? null;
    return {
      group: group ? toConversation(group) : null,
      actor,
      members,
      knownUsers: new Set(change.type === 'add' ? existingUsers.all(JSON.stringify(named)) : []),
      heir:
        change.type === 'leave' && actor?.role === 'owner'
          ? (successor.get(conversationId, actorId) ?? null)
          : null,
    };
  };

  /** Writes a planned change: the system message first (its seq and event bound the periods). */
  const apply = (group: ConversationRow, plan: Plan, at: Date): GroupChangeResult => {
    const time = at.getTime();
    const seq = group.last_seq + 1;
    const joining = plan.admit?.flatMap((a) => a.userIds) ?? [];
    for (const { userIds, role } of plan.admit ?? []) {
      for (const userId of userIds)
        admit.run({ conversationId: group.id, userId, role, at: time, caughtUp: seq - 1 });
    }
    for (const userId of plan.release ?? []) release.run(time, group.id, userId);
    for (const { userId, role } of plan.roles ?? []) setRole.run(role, group.id, userId);
    const delta = joining.length - (plan.release?.length ?? 0);
    if (delta !== 0) countMembers.run(delta, group.id);
    if (plan.update) {
      const { title, avatarId, isPublic } = plan.update;
      if (avatarId !== undefined)
        setGroupAvatar({
          conversationId: group.id,
          attachmentId: avatarId,
          ownerId: plan.system.actorId,
        });
      update.run({
        id: group.id,
        title: title ?? null,
        setAvatar: avatarId === undefined ? 0 : 1,
        avatarId: avatarId ?? null,
        isPublic: isPublic === undefined ? null : Number(isPublic),
      });
    }
    close.run(time, group.id);

    const fresh = byId.get(group.id)!;
    const { message, event } = writeMessage(fresh, systemFields(plan.system, at), {
      members: membershipDelta(plan.system) ?? undefined,
    });
    // Public groups show their whole history to whoever joins.
    const fromSeq = fresh.is_public === 1 ? 1 : message.seq;
    for (const userId of joining)
      periods.open(userId, group.id, { eventId: event.id, seq: fromSeq });
    for (const userId of plan.release ?? [])
      periods.close(userId, group.id, { eventId: event.id, seq: message.seq });
    const events: StoredEvent[] = [event];
    // A new group's marks are in its summary: there is nobody to tell yet.
    const marks = plan.system.action === 'created' ? null : refreshMarks(group.id, at);
    if (marks) events.push(marks);
    return { conversation: toConversation(byId.get(group.id)!), message, events };
  };

  const create = (
    change: Extract<GroupChange, { type: 'create' }>,
    maxMembers: number,
    at: Date,
  ) => {
    const knownUsers = new Set(existingUsers.all(JSON.stringify(change.memberIds)));
    const plan = planCreate(change, knownUsers, maxMembers);
    const group = insertGroup.get({
      id: randomUUID(),
      title: change.title,
      isPublic: Number(change.isPublic),
      createdBy: change.actorId,
      memberCount: 0,
      createdAt: at.getTime(),
    })!;
    return apply(group, plan, at);
  };

  const changeGroup = db.transaction(
    ({ change, maxMembers, at }: GroupChangeInput): GroupChangeResult => {
      if (change.type === 'create') return create(change, maxMembers, at);
      const planned = planChange(change, readState(change), maxMembers);
      const group = byId.get(change.conversationId)!;
      if (!planned) return { conversation: toConversation(group), message: null, events: [] };
      return apply(group, planned, at);
    },
  );

  return {
    async changeGroup(input) {
      return changeGroup.immediate(input);
    },
  };
}
