import type { ClientSession } from 'mongoose';
import type { SafetyStore } from '../store.ts';
import type { BlockRelations, PrivacySettings, ReportStatus, StoredEvent } from '../types.ts';
import { decodeTimeCursor, encodeTimeCursor } from './cursor.ts';
import type { Tx } from './events.ts';
import { toReport, toSettings } from './mappers.ts';
import type { BlockDoc, Models } from './models.ts';
import type { MarkedConversation, MarksMethods } from './receipts.ts';
import type { WriteOp } from './writer.ts';

type SetBlocked = SafetyStore['setBlocked'];

const SETTINGS = ['lastSeen', 'readReceipts', 'notificationPreviews'] as const;

/** The `$set` of a settings patch: the fields it gives, and no others. */
export function settingsUpdate(patch: Partial<PrivacySettings>): Record<string, string | boolean> {
  const set: Record<string, string | boolean> = {};
  for (const key of SETTINGS) {
    const value = patch[key];
    if (value !== undefined) set[`privacy.${key}`] = value;
  }
  return set;
}

/** Of `otherIds` (each once, in their order), whom `userId` blocked and who blocked them. */
export function relationsOf(
  userId: string,
  otherIds: string[],
  blocks: Pick<BlockDoc, 'blockerId' | 'blockedId'>[],
): BlockRelations {
  const blocked = new Set(blocks.filter((b) => b.blockerId === userId).map((b) => b.blockedId));
  const blockedBy = new Set(blocks.filter((b) => b.blockedId === userId).map((b) => b.blockerId));
  const others = [...new Set(otherIds)];
  return {
    blocked: others.filter((id) => blocked.has(id)),
    blockedBy: others.filter((id) => blockedBy.has(id)),
  };
}

/**
 * The reports with `status` after the cursor's position, in the order of the index
 * { status, createdAt: -1, _id: -1 }: the range on `createdAt` bounds the scan, the `$or` only
 * drops the reports of the cursor's own time already listed (ids not below the cursor's).
 */
export function reportPageFilter(
  status: ReportStatus,
  before: { at: number; id: string } | null,
): Record<string, unknown> {
  if (!before) return { status };
  const at = new Date(before.at);
  return {
    status,
    createdAt: { $lte: at },
    $or: [{ createdAt: { $lt: at } }, { _id: { $lt: before.id } }],
  };
}

/**
 * Blocking and privacy settings (their writes as ops of the log's group commit: each announces
 * itself to the user's own stream), and reports (plain single-document writes: no event).
 */
export function safetyMethods(models: Models, marks: MarksMethods) {
  const { Block, Conversation, Member, Report, User } = models;
  const emptyPage = { items: [], nextCursor: null };

  /** The user's direct conversations (a member of a direct conversation never leaves it). */
  const directConversations = async (
    session: ClientSession,
    userId: string,
  ): Promise<MarkedConversation[]> => {
    const mine = await Member.find({ userId }, { _id: 0, conversationId: 1 })
      .session(session)
      .lean();
    if (mine.length === 0) return [];
    return Conversation.find(
      { _id: { $in: mine.map((m) => m.conversationId) }, kind: 'direct' },
      { kind: 1 },
    )
      .sort({ _id: 1 })
      .session(session)
      .lean<MarkedConversation[]>();
  };

  /** Blocks or unblocks (see `SafetyStore.setBlocked`). */
  const blockOp =
    (input: Parameters<SetBlocked>[0]): WriteOp<Tx, Awaited<ReturnType<SetBlocked>>> =>
    async (tx) => {
      const { blockerId, userId, blocked, at } = input;
      const { session } = tx;
      const pair = { blockerId, blockedId: userId };
      let changed: boolean;
      if (blocked) {
        // The unique index on the pair: a second block finds the first and inserts nothing.
        const { upsertedCount } = await Block.updateOne(
          pair,
          { $setOnInsert: { createdAt: at } },
          { session, upsert: true },
        );
        changed = upsertedCount === 1;
      } else {
        changed = (await Block.deleteOne(pair, { session })).deletedCount === 1;
      }
      if (!changed) return { changed, events: [] };
      const event = tx.append({ userId: blockerId }, { type: 'user.blocked', userId, blocked }, at);
      return { changed, events: [event] };
    };

  /**
   * Writes the settings given (see `SafetyStore.updateSettings`): when read receipts change, the
   * marks of the user's direct conversations are refreshed in the same transaction (they read
   * the new setting), announced before `settings.changed`.
   */
  const settingsOp =
    (
      userId: string,
      patch: Partial<PrivacySettings>,
      at: Date,
    ): WriteOp<Tx, { settings: PrivacySettings; events: StoredEvent[] }> =>
    async (tx) => {
      const { session } = tx;
      const set = settingsUpdate(patch);
      const doc =
        Object.keys(set).length === 0
          ? await User.findById(userId, { privacy: 1 }).session(session).lean()
          : await User.findOneAndUpdate(
              { _id: userId },
              { $set: set },
              { session, returnDocument: 'after', projection: { privacy: 1 }, runValidators: true },
            ).lean();
      const settings = toSettings(doc?.privacy);
      const events: StoredEvent[] = [];
      if (patch.readReceipts !== undefined) {
        for (const conversation of await directConversations(session, userId)) {
          const announced = await marks.refreshMarks(tx, conversation, at);
          if (announced) events.push(announced);
        }
      }
      events.push(tx.append({ userId }, { type: 'settings.changed', settings }, at));
      return { settings, events };
    };

  /** The rest of `SafetyStore`: reads, and reports (written without events). */
  const others: Omit<SafetyStore, 'setBlocked' | 'updateSettings'> = {
    async listBlocked(userId) {
      // A user's blocks are few: the unique index finds them, the sort is in memory.
      const docs = await Block.find({ blockerId: userId }, { _id: 0, blockedId: 1, createdAt: 1 })
        .sort({ createdAt: -1, blockedId: 1 })
        .lean();
      return docs.map((doc) => ({ userId: doc.blockedId, blockedAt: doc.createdAt }));
    },

    async blockRelations(userId, otherIds) {
      if (otherIds.length === 0) return { blocked: [], blockedBy: [] };
      // One round trip; each branch of the `$or` reads its own index.
      const docs = await Block.find(
        {
          $or: [
            { blockerId: userId, blockedId: { $in: otherIds } },
            { blockedId: userId, blockerId: { $in: otherIds } },
          ],
        },
        { _id: 0, blockerId: 1, blockedId: 1 },
      ).lean();
      return relationsOf(userId, otherIds, docs);
    },

    async getSettings(userIds) {
      if (userIds.length === 0) return [];
      const docs = await User.find({ _id: { $in: [...new Set(userIds)] } }, { privacy: 1 }).lean();
      const byId = new Map(docs.map((doc) => [doc._id, doc.privacy]));
      return userIds.map((id) => toSettings(byId.get(id)));
    },

    async createReport(report) {
      const doc = await Report.create({ ...report, status: 'open' });
      return toReport(doc.toObject());
    },

    async listReports({ status, limit, cursor }) {
      if (limit <= 0) return emptyPage;
      const before = cursor ? decodeTimeCursor(cursor) : null;
      // A cursor this store did not issue points nowhere: the caller gets an empty page.
      if (cursor && !before) return emptyPage;
      const docs = await Report.find(reportPageFilter(status, before))
        .sort({ createdAt: -1, _id: -1 })
        .limit(limit + 1)
        .lean();
      const page = docs.slice(0, limit);
      const last = page.at(-1);
      return {
        items: page.map(toReport),
        nextCursor:
          docs.length > limit && last ? encodeTimeCursor(last.createdAt.getTime(), last._id) : null,
      };
    },

    async resolveReport({ id, resolvedBy, resolution, at }) {
      // One document, matched only while open: of two admins at once, one resolves it.
      const doc = await Report.findOneAndUpdate(
        { _id: id, status: 'open' },
        { $set: { status: 'resolved', resolvedBy, resolution, resolvedAt: at } },
        { returnDocument: 'after', runValidators: true },
      ).lean();
      return doc ? toReport(doc) : null;
    },
  };

  return { blockOp, settingsOp, ...others };
}
