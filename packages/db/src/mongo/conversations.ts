import { pairKey } from '../direct.ts';
import type { ConversationStore } from '../store.ts';
import { NO_SETTINGS } from '../settings.ts';
import type { ConversationSummary, MemberEntry, Role } from '../types.ts';
import {
  decodeConversationCursor,
  decodeGroupCursor,
  decodeMemberCursor,
  encodeConversationCursor,
  encodeGroupCursor,
  encodeMemberCursor,
} from './cursor.ts';
import type { Hydrate } from './hydrate.ts';
import { toConversation, toMembership } from './mappers.ts';
import {
  SHOWN_FIELDS,
  type ConversationDoc,
  type MemberDoc,
  type MessageDoc,
  type Models,
} from './models.ts';
import type { Periods } from './periods.ts';
import type { MarksMethods } from './receipts.ts';
import { unreadCounts } from './unread.ts';
import { escapeRegex } from './users.ts';

/** A membership with its conversation, as a user's list orders them. */
export interface ListedConversation {
  member: MemberDoc;
  conversation: ConversationDoc;
  /** Latest activity (ms): the last message while a member, else when they left. */
  activityAt: number;
  /** When the user pinned it (ms), 0 when not pinned: pinned conversations come first. */
  pinnedAt: number;
}

export function activityOf(member: MemberDoc, conversation: ConversationDoc): number {
  if (member.leftAt !== null) return member.leftAt.getTime();
  return (conversation.lastMessageAt ?? conversation.createdAt).getTime();
}

/**
 * A page of a user's conversations, pinned ones first (most recently pinned first), then latest
 * activity first (ties by id, descending), after the cursor's position; `more` when there are
 * others after it.
 */
export function pageByActivity(
  rows: ListedConversation[],
  before: { pin: number; at: number; id: string },
  limit: number,
): { page: ListedConversation[]; more: boolean } {
  type Key = { pin: number; at: number; id: string };
  const keyOf = (row: ListedConversation): Key => ({
    pin: row.pinnedAt,
    at: row.activityAt,
    id: row.conversation._id,
  });
  const order = (a: Key, b: Key) =>
    b.pin - a.pin || b.at - a.at || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);
  const after = rows
    .filter((row) => order(before, keyOf(row)) < 0)
    .sort((a, b) => order(keyOf(a), keyOf(b)));
  return { page: after.slice(0, limit), more: after.length > limit };
}

const ROLE_RANK: Record<Role, number> = { owner: 0, admin: 1, member: 2 };

/** Current members, owner first, then admins, then by joining (ties by id), after the cursor's. */
export function pageMembers(
  members: Pick<MemberDoc, 'userId' | 'role' | 'joinedAt'>[],
  after: { rank: number; joinedAt: number; userId: string } | null,
  limit: number,
): { page: MemberEntry[]; nextCursor: string | null } {
  const keyed = members
    .map((m) => ({ rank: ROLE_RANK[m.role], joinedAt: m.joinedAt.getTime(), member: m }))
    .sort(
      (a, b) =>
        a.rank - b.rank ||
        a.joinedAt - b.joinedAt ||
        (a.member.userId < b.member.userId ? -1 : a.member.userId > b.member.userId ? 1 : 0),
    )
    .filter(
      (k) =>
        !after ||
        k.rank > after.rank ||
        (k.rank === after.rank &&
          (k.joinedAt > after.joinedAt ||
            (k.joinedAt === after.joinedAt && k.member.userId > after.userId))),
    );
  const page = keyed.slice(0, limit);
  const last = page.at(-1);
  return {
    page: page.map(({ member }) => ({
      userId: member.userId,
      role: member.role,
      joinedAt: member.joinedAt,
    })),
    nextCursor:
      keyed.length > limit && last
        ? encodeMemberCursor(last.rank, last.joinedAt, last.member.userId)
        : null,
  };
}

export function conversationMethods(
  models: Models,
  deps: { periods: Periods; marks: MarksMethods; hydrate: Hydrate },
): ConversationStore {
  const { Conversation, ConversationSettings, Member, Message } = models;
  const { periods, marks, hydrate } = deps;
  const emptyPage = { items: [], nextCursor: null };

  /** A conversation as the user's list shows it, with its last message still a document. */
  const summarize = async (
    member: MemberDoc,
    conversation: ConversationDoc,
  ): Promise<{ summary: Omit<ConversationSummary, 'lastMessage'>; last: MessageDoc | null }> => {
    const { userId, conversationId } = member;
    // A former member sees the conversation as it was when they left.
    const toSeq =
      member.leftAt === null
        ? undefined
        : ((await periods.ofMember(userId, conversationId)).at(-1)?.toSeq ?? 0);
    const [last, counts, peer, receipts, settings] = await Promise.all([
      Message.findOne(
        {
          conversationId,
          seq: { $lte: toSeq ?? conversation.lastSeq },
          hiddenFor: { $nin: [userId] },
        },
        SHOWN_FIELDS,
      )
        .sort({ seq: -1 })
        .lean(),
      unreadCounts(models, { userId, conversationId, readSeq: member.readSeq, toSeq }),
      conversation.kind === 'direct'
        ? Member.findOne({ conversationId, userId: { $ne: userId } }, { userId: 1 }).lean()
        : null,
      marks.currentMarks(conversation),
      ConversationSettings.findOne(
        { userId, conversationId },
        { _id: 0, mutedUntil: 1, pinnedAt: 1, archivedAt: 1, markedUnread: 1 },
      ).lean(),
    ]);
    return {
      summary: {
        conversation: toConversation(conversation),
        membership: toMembership(member),
        peerId: peer?.userId ?? null,
        unreadCount: counts.unread,
        mentionCount: counts.mentions,
        receipts,
        settings: settings ?? NO_SETTINGS,
      },
      last,
    };
  };

  /** Summaries of the user's conversations, their last messages hydrated together. */
  const summarizeAll = async (
    rows: { member: MemberDoc; conversation: ConversationDoc }[],
  ): Promise<ConversationSummary[]> => {
    const parts = await Promise.all(rows.map((row) => summarize(row.member, row.conversation)));
    const lasts = await hydrate(parts.flatMap(({ last }) => (last ? [last] : [])));
    const byId = new Map(lasts.map((message) => [message.id, message]));
    return parts.map(({ summary, last }) => ({
      ...summary,
      lastMessage: last ? (byId.get(last._id) ?? null) : null,
    }));
  };

  /** The user's current conversations of at most `maxMembers` members. */
  const smallConversationIds = async (userId: string, maxMembers: number) => {
    const mine = await Member.find({ userId, leftAt: null }, { conversationId: 1 }).lean();
    if (mine.length === 0) return [];
    const small = await Conversation.find(
      { _id: { $in: mine.map((m) => m.conversationId) }, memberCount: { $lte: maxMembers } },
      { _id: 1 },
    ).lean();
    return small.map((c) => c._id);
  };

  return {
    async findDirectConversation(a, b) {
      const doc = await Conversation.findOne({ pairKey: pairKey(a, b) }).lean();
      return doc ? toConversation(doc) : null;
    },

    async getConversation(id) {
      const doc = await Conversation.findById(id).lean();
      return doc ? toConversation(doc) : null;
    },

    async getMembership(conversationId, userId) {
      const doc = await Member.findOne({ conversationId, userId }).lean();
      return doc ? toMembership(doc) : null;
    },

    async listMembers({ conversationId, limit, cursor }) {
      if (limit <= 0) return emptyPage;
      const after = cursor ? decodeMemberCursor(cursor) : null;
      // A cursor this store did not issue points nowhere: the caller gets an empty page.
      if (cursor && !after) return emptyPage;
      const members = await Member.find(
        { conversationId, leftAt: null },
        { userId: 1, role: 1, joinedAt: 1 },
      ).lean();
      const { page, nextCursor } = pageMembers(members, after, limit);
      return { items: page, nextCursor };
    },

    async listPeerIds(userId, maxMembers) {
      const ids = await smallConversationIds(userId, maxMembers);
      if (ids.length === 0) return [];
      const peers = await Member.distinct('userId', {
        conversationId: { $in: ids },
        leftAt: null,
      });
      return peers.filter((id) => id !== userId);
    },

    listConversationIds: smallConversationIds,

    async listConversations({ userId, limit, cursor }) {
      if (limit <= 0) return emptyPage;
      const max = Number.MAX_SAFE_INTEGER;
      const before = cursor ? decodeConversationCursor(cursor) : { pin: max, at: max, id: '' };
      if (!before) return emptyPage;
      const members = await Member.find({ userId }).lean();
      if (members.length === 0) return emptyPage;
      const conversations = await Conversation.find({
        _id: { $in: members.map((m) => m.conversationId) },
      }).lean();
      const pins = await ConversationSettings.find(
        { userId, pinnedAt: { $type: 'date' } },
        { conversationId: 1, pinnedAt: 1 },
      ).lean();
      const pinnedAt = new Map(pins.map((p) => [p.conversationId, p.pinnedAt?.getTime() ?? 0]));
      const byId = new Map(conversations.map((c) => [c._id, c]));
      const rows = members.flatMap((member) => {
        const conversation = byId.get(member.conversationId);
        return conversation
          ? [
              {
                member,
                conversation,
                activityAt: activityOf(member, conversation),
                pinnedAt: pinnedAt.get(conversation._id) ?? 0,
              },
            ]
          : [];
      });
      const { page, more } = pageByActivity(rows, before, limit);
      const last = page.at(-1);
      return {
        items: await summarizeAll(page),
        nextCursor:
          more && last
            ? encodeConversationCursor(last.pinnedAt, last.activityAt, last.conversation._id)
            : null,
      };
    },

    async getConversationSummary(userId, conversationId) {
      const member = await Member.findOne({ conversationId, userId }).lean();
      const conversation = member && (await Conversation.findById(conversationId).lean());
      if (!member || !conversation) return null;
      const [summary] = await summarizeAll([{ member, conversation }]);
      return summary ?? null;
    },

    async listPublicGroups({ userId, query, limit, cursor }) {
      if (limit <= 0) return emptyPage;
      const before = cursor ? decodeGroupCursor(cursor) : null;
      if (cursor && !before) return emptyPage;
      const docs = await Conversation.find({
        kind: 'group',
        isPublic: true,
        closedAt: null,
        // Any word of the title, as SQLite's LIKE 'q%' OR LIKE '% q%'.
        ...(query ? { title: { $regex: `(?:^| )${escapeRegex(query)}`, $options: 'i' } } : {}),
        ...(before
          ? {
              $or: [
                { memberCount: { $lt: before.memberCount } },
                { memberCount: before.memberCount, _id: { $lt: before.id } },
              ],
            }
          : {}),
      })
        .sort({ memberCount: -1, _id: -1 })
        .limit(limit + 1)
        .lean();
      const page = docs.slice(0, limit);
      const mine = await Member.find(
        { conversationId: { $in: page.map((d) => d._id) }, userId, leftAt: null },
        { conversationId: 1 },
      ).lean();
      const memberOf = new Set(mine.map((m) => m.conversationId));
      const last = page.at(-1);
      return {
        items: page.map((doc) => ({
          conversation: toConversation(doc),
          isMember: memberOf.has(doc._id),
        })),
        nextCursor:
          docs.length > limit && last ? encodeGroupCursor(last.memberCount, last._id) : null,
      };
    },

    listMembershipPeriods: (userId) => periods.ofUser(userId),
  };
}
