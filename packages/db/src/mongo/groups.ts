import { randomUUID } from 'node:crypto';
import type { ClientSession } from 'mongoose';
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
import type { GroupChange, GroupChangeInput, GroupChangeResult, StoredEvent } from '../types.ts';
import { setGroupAvatar } from './attachments.ts';
import type { Tx } from './events.ts';
import { toConversation } from './mappers.ts';
import { newConversationDoc, newMemberDoc, writeMessage } from './messages.ts';
import type { ConversationDoc, MemberDoc, Models } from './models.ts';
import type { Periods } from './periods.ts';
import type { MarksMethods } from './receipts.ts';
import type { WriteOp } from './writer.ts';

export function groupMethods(models: Models, deps: { periods: Periods; marks: MarksMethods }) {
  const { Conversation, Member, User } = models;
  const { periods, marks } = deps;

  /** What the change is judged on, with the documents that applying it needs. */
  const readState = async (
    session: ClientSession,
    change: ExistingGroupChange,
  ): Promise<
    GroupState & { group: ConversationDoc | null; members: ReadonlyMap<string, MemberDoc> }
  > => {
    const conversationId = change.conversationId;
    const group = await Conversation.findById(conversationId).session(session).lean();
    const named = namedUsers(change);
    const rows = await Member.find({ conversationId, userId: { $in: [change.actorId, ...named] } })
      .session(session)
      .lean();
    const members = new Map(rows.map((row) => [row.userId, row]));
    const users =
      change.type === 'add'
        ? await User.find({ _id: { $in: named } }, { _id: 1 })
            .session(session)
            .lean()
        : [];
    const actor = members.get(change.actorId) ?? null;
    const heir =
      change.type === 'leave' && actor?.role === 'owner'
        ? await successor(session, conversationId, change.actorId)
        : null;
    return { group, actor, members, knownUsers: new Set(users.map((u) => u._id)), heir };
  };

  /** The longest-standing current admin but `leaver`, else member. */
  const successor = async (session: ClientSession, conversationId: string, leaver: string) => {
    const current = { conversationId, leftAt: null, userId: { $ne: leaver } };
    for (const role of ['admin', 'member'] as const) {
      const [next] = await Member.find({ ...current, role }, { userId: 1 })
        .sort({ joinedAt: 1, userId: 1 })
        .limit(1)
        .session(session)
        .lean();
      if (next) return next.userId;
    }
    return null;
  };

  /** Writes a planned change: the system message first (its seq and event bound the periods). */
  const apply = async (
    tx: Tx,
    group: ConversationDoc,
    members: ReadonlyMap<string, MemberDoc>,
    plan: Plan,
    at: Date,
  ): Promise<GroupChangeResult> => {
    const { session } = tx;
    const caughtUp = group.lastSeq; // the system message will be lastSeq + 1
    const joining = plan.admit?.flatMap((a) => a.userIds) ?? [];
    for (const { userIds, role } of plan.admit ?? []) {
      for (const userId of userIds) {
        const former = members.get(userId);
        // A former member back: they have everything before their joining message.
        if (former) {
          await Member.updateOne(
            { conversationId: group._id, userId },
            {
              $set: {
                role,
                joinedAt: at,
                leftAt: null,
                deliveredSeq: Math.max(former.deliveredSeq, caughtUp),
                readSeq: Math.max(former.readSeq, caughtUp),
              },
            },
            { session },
          );
        } else {
          await Member.insertMany([newMemberDoc(group._id, userId, role, at, caughtUp)], {
            session,
            lean: true,
          });
        }
      }
    }
    for (const userId of plan.release ?? []) {
      await Member.updateOne(
        { conversationId: group._id, userId },
        { $set: { leftAt: at, role: 'member' } },
        { session },
      );
    }
    for (const { userId, role } of plan.roles ?? []) {
      await Member.updateOne(
        { conversationId: group._id, userId },
        { $set: { role } },
        { session },
      );
    }
    const memberCount = group.memberCount + joining.length - (plan.release?.length ?? 0);
    const { title, avatarId, isPublic } = plan.update ?? {};
    if (avatarId !== undefined) {
      await setGroupAvatar(models, session, {
        conversationId: group._id,
        attachmentId: avatarId,
        ownerId: plan.system.actorId,
      });
    }
    await Conversation.updateOne(
      { _id: group._id },
      {
        $set: {
          memberCount,
          ...(title !== undefined ? { title } : {}),
          ...(avatarId !== undefined ? { avatarId } : {}),
          ...(isPublic !== undefined ? { isPublic } : {}),
          // A group whose last member left is closed.
          ...(memberCount === 0 ? { closedAt: at } : {}),
        },
      },
      { session },
    );

    const { message, event, conversation } = await writeMessage(
      models,
      tx,
      group._id,
      systemFields(plan.system, at),
      { members: membershipDelta(plan.system) ?? undefined },
    );
    // Public groups show their whole history to whoever joins.
    const fromSeq = conversation.isPublic ? 1 : message.seq;
    for (const userId of joining)
      await periods.open(session, userId, group._id, { eventId: event.id, seq: fromSeq });
    for (const userId of plan.release ?? [])
      await periods.close(session, userId, group._id, { eventId: event.id, seq: message.seq });
    const events: StoredEvent[] = [event];
    // A new group's marks are in its summary: there is nobody to tell yet.
    if (plan.system.action !== 'created') {
      const announced = await marks.refreshMarks(tx, conversation, at);
      if (announced) events.push(announced);
    }
    return { conversation: toConversation(conversation), message, events };
  };

  const create = async (
    tx: Tx,
    change: Extract<GroupChange, { type: 'create' }>,
    maxMembers: number,
    at: Date,
  ): Promise<GroupChangeResult> => {
    const known = await User.find({ _id: { $in: change.memberIds } }, { _id: 1 })
      .session(tx.session)
      .lean();
    const plan = planCreate(change, new Set(known.map((user) => user._id)), maxMembers);
    const group = newConversationDoc({
      _id: randomUUID(),
      kind: 'group',
      title: change.title,
      isPublic: change.isPublic,
      createdBy: change.actorId,
      createdAt: at,
    });
    await Conversation.insertMany([group], { session: tx.session, lean: true });
    await models.Marks.insertMany([{ _id: group._id, marks: null, writes: 0 }], {
      session: tx.session,
      lean: true,
    });
    return apply(tx, group, new Map(), plan, at);
  };

  return {
    /** A group change, as an op of the log's group commit (see `GroupStore.changeGroup`). */
    changeOp:
      ({ change, maxMembers, at }: GroupChangeInput): WriteOp<Tx, GroupChangeResult> =>
      async (tx) => {
        if (change.type === 'create') return create(tx, change, maxMembers, at);
        const state = await readState(tx.session, change);
        const plan = planChange(change, state, maxMembers);
        if (!plan) return { conversation: toConversation(state.group!), message: null, events: [] };
        return apply(tx, state.group!, state.members, plan, at);
      },
  };
}
