import type { ClientSession } from 'mongoose';
import { NOTHING_READ } from '../privacy.ts';
import { ConversationRuleError } from '../store.ts';
import type {
  MessageReceipt,
  ReceiptInput,
  ReceiptMark,
  ReceiptMarks,
  ReceiptResult,
  StoredEvent,
} from '../types.ts';
import type { Tx } from './events.ts';
import { toMembership } from './mappers.ts';
import type { ConversationDoc, MemberDoc, Models } from './models.ts';
import type { MongoSettings } from './settings.ts';
import { unreadCounts } from './unread.ts';
import type { WriteOp } from './writer.ts';

type Receipt = 'delivered' | 'read';

/** A mark from the (at most) two lowest positions of the current members, lowest first. */
export function toMark(lowest: { userId: string; seq: number }[]): ReceiptMark {
  const [first, second] = lowest;
  if (!first) return { lowest: 0, lowestUserId: null, nextLowest: null };
  if (!second) return { lowest: first.seq, lowestUserId: first.userId, nextLowest: null };
  return {
    lowest: first.seq,
    lowestUserId: second.seq === first.seq ? null : first.userId,
    nextLowest: second.seq,
  };
}

export function sameMarks(a: ReceiptMarks | null, b: ReceiptMarks): boolean {
  const same = (x: ReceiptMark, y: ReceiptMark) =>
    x.lowest === y.lowest && x.lowestUserId === y.lowestUserId && x.nextLowest === y.nextLowest;
  return a !== null && same(a.delivered, b.delivered) && same(a.read, b.read);
}

/** What the marks of a conversation depend on besides its members' positions. */
export type MarkedConversation = Pick<ConversationDoc, '_id' | 'kind'>;

export function marksMethods(models: Models) {
  const { Member, Marks, User } = models;

  const lowest = async (
    conversationId: string,
    field: 'deliveredSeq' | 'readSeq',
    session: ClientSession | null,
  ) => {
    const docs = await Member.find({ conversationId, leftAt: null }, { userId: 1, [field]: 1 })
      .sort({ [field]: 1, userId: 1 })
      .limit(2)
      .session(session)
      .lean<Pick<MemberDoc, 'userId' | 'deliveredSeq' | 'readSeq'>[]>();
    return toMark(docs.map((doc) => ({ userId: doc.userId, seq: doc[field] })));
  };

  /** Whether either member of a direct conversation turned read receipts off. */
  const readsPrivate = async (conversationId: string, session: ClientSession | null) => {
    // Both served by an index: members by (conversationId, userId), users by _id.
    const members = await Member.find({ conversationId }, { _id: 0, userId: 1 })
      .session(session)
      .lean();
    const off = await User.exists({
      _id: { $in: members.map((member) => member.userId) },
      'privacy.readReceipts': false,
    }).session(session);
    return off !== null;
  };

  /**
   * The conversation's marks as they are now; in a direct conversation where either member
   * turned read receipts off, the read mark shows nothing read.
   */
  const currentMarks = async (
    conversation: MarkedConversation,
    session: ClientSession | null = null,
  ): Promise<ReceiptMarks> => {
    const id = conversation._id;
    const delivered = await lowest(id, 'deliveredSeq', session);
    const hidden = conversation.kind === 'direct' && (await readsPrivate(id, session));
    return { delivered, read: hidden ? { ...NOTHING_READ } : await lowest(id, 'readSeq', session) };
  };

  /**
   * Stores the conversation's current marks and, when they differ from the ones last announced,
   * appends a `receipts` event announcing them. Call it in every transaction that moved a
   * position, changed the members or a member's read receipts setting: it always writes the
   * marks document (see MarksDoc).
   */
  const refreshMarks = async (
    tx: Tx,
    conversation: MarkedConversation,
    at: Date,
  ): Promise<StoredEvent | null> => {
    const conversationId = conversation._id;
    const marks = await currentMarks(conversation, tx.session);
    const before = await Marks.findOneAndUpdate(
      { _id: conversationId },
      { $set: { marks }, $inc: { writes: 1 } },
      { session: tx.session, returnDocument: 'before', projection: { marks: 1 } },
    ).lean();
    if (!before) throw new Error(`conversation ${conversationId} has no receipt marks document`);
    if (sameMarks(before.marks, marks)) return null;
    return tx.append({ conversationId }, { type: 'receipts', conversationId, marks }, at);
  };

  return { currentMarks, refreshMarks };
}

export type MarksMethods = ReturnType<typeof marksMethods>;

export function receiptMethods(
  models: Models,
  marks: MarksMethods,
  clearUnread: MongoSettings['clearUnread'],
) {
  const { Conversation, Member, Message, Period, ReceiptLog } = models;

  /**
   * Moves one position forward (clamped to the last message), logs when, and announces what
   * changed; a read also tells the reader's other devices their new counts.
   */
  const receiptOp =
    (
      kind: Receipt,
      { conversationId, userId, upToSeq, at }: ReceiptInput,
    ): WriteOp<Tx, ReceiptResult> =>
    async (tx) => {
      const { session } = tx;
      const before = await Member.findOne({ conversationId, userId }).session(session).lean();
      if (!before) throw new ConversationRuleError('not_found');
      if (before.leftAt !== null) throw new ConversationRuleError('not_member');
      const conversation = await Conversation.findById(conversationId, { kind: 1, lastSeq: 1 })
        .session(session)
        .lean();
      if (!conversation) throw new Error(`conversation ${conversationId} is missing`);
      const seq = Math.min(upToSeq, conversation.lastSeq);
      const current = kind === 'read' ? before.readSeq : before.deliveredSeq;
      // Reading clears "marked unread", even when there was nothing new to read.
      const cleared = kind === 'read' ? await clearUnread(tx, userId, conversationId, at) : null;
      const events: StoredEvent[] = cleared ? [cleared] : [];
      if (seq <= current) return { advanced: false, membership: toMembership(before), events };

      const set =
        kind === 'read'
          ? { readSeq: seq, deliveredSeq: Math.max(before.deliveredSeq, seq) }
          : { deliveredSeq: seq };
      const after = await Member.findOneAndUpdate(
        { conversationId, userId },
        { $set: set },
        { session, returnDocument: 'after' },
      ).lean();
      await ReceiptLog.insertMany([{ conversationId, upToSeq: seq, userId, kind, at }], {
        session,
        lean: true,
      });
      const announced = await marks.refreshMarks(tx, conversation, at);
      if (announced) events.push(announced);
      if (kind === 'read') {
        const { unread, mentions } = await unreadCounts(
          models,
          { userId, conversationId, readSeq: seq },
          session,
        );
        events.push(
          tx.append(
            { userId },
            {
              type: 'conversation.read',
              conversationId,
              readSeq: seq,
              unreadCount: unread,
              mentionCount: mentions,
            },
            at,
          ),
        );
      }
      return { advanced: true, membership: toMembership(after ?? { ...before, ...set }), events };
    };

  return {
    receiptOp,

    async listMessageReceipts(opts: {
      conversationId: string;
      seq: number;
      senderId: string;
    }): Promise<MessageReceipt[]> {
      const { conversationId, seq, senderId } = opts;
      const members = await Member.find(
        { conversationId, leftAt: null, userId: { $ne: senderId } },
        { userId: 1 },
      ).lean();
      // Those who could see the message: their current period began at or before it.
      const periods = await Period.find(
        {
          userId: { $in: members.map((m) => m.userId) },
          conversationId,
          toEventId: null,
          fromSeq: { $lte: seq },
        },
        { userId: 1 },
      ).lean();
      const audience = [...new Set(periods.map((p) => p.userId))].sort();
      const message = await Message.findOne({ conversationId, seq }, { withheldFrom: 1 }).lean();
      const withheld = new Set(message?.withheldFrom ?? []);
      const first = new Map<string, { delivered?: number; read?: number }>();
      const rows = await ReceiptLog.aggregate<{ _id: { userId: string; kind: Receipt }; at: Date }>(
        [
          { $match: { conversationId, upToSeq: { $gte: seq } } },
          { $group: { _id: { userId: '$userId', kind: '$kind' }, at: { $min: '$at' } } },
        ],
      );
      for (const { _id, at } of rows) {
        if (withheld.has(_id.userId)) continue;
        const entry = first.get(_id.userId) ?? {};
        entry[_id.kind] = at.getTime();
        first.set(_id.userId, entry);
      }
      return audience.map((userId) => {
        const { delivered, read } = first.get(userId) ?? {};
        const had = [delivered, read].filter((t) => t !== undefined);
        return {
          userId,
          deliveredAt: had.length > 0 ? new Date(Math.min(...had)) : null,
          readAt: read === undefined ? null : new Date(read),
        };
      });
    },
  };
}
