import type { mongo } from 'mongoose';
import { DEFAULT_SETTINGS } from '../privacy.ts';
import { EVENT_COUNTER } from './events.ts';
import { newMemberDoc } from './messages.ts';
import type { ConversationDoc, MemberDoc, PeriodDoc } from './models.ts';

/**
 * The steps from one schema to the next, oldest first; the database's version is kept in `meta`
 * ({ _id: 'schema', version }), the version of the last step it went through. No document: a
 * database from before versions were kept (v1: per-user event streams, direct conversations
 * with their members inside), or a new one. Every step can run again (after a crash half-way)
 * and leaves the same result.
 */
export const MIGRATIONS: readonly { version: number; up: (db: mongo.Db) => Promise<void> }[] = [
  { version: 2, up: migrateToLog },
  { version: 3, up: migrateToActions },
  { version: 4, up: migrateToSafety },
];

/** The schema this build writes. */
export const SCHEMA_VERSION = MIGRATIONS.at(-1)!.version;

/** A conversation as v1 stored it: direct, its members and their positions inside. */
export interface LegacyConversation {
  _id: string;
  createdAt: Date;
  members: { userId: string; deliveredSeq?: number; readSeq?: number }[];
}

/** What v2 makes of a v1 conversation: member rows, periods from the start, its new fields. */
export function upgradeConversation(doc: LegacyConversation): {
  members: MemberDoc[];
  periods: PeriodDoc[];
  fields: Omit<
    ConversationDoc,
    '_id' | 'kind' | 'pairKey' | 'createdAt' | 'lastMessageAt' | 'lastSeq'
  >;
} {
  return {
    members: doc.members.map((m) => ({
      ...newMemberDoc(doc._id, m.userId, 'member', doc.createdAt),
      deliveredSeq: m.deliveredSeq ?? 0,
      readSeq: m.readSeq ?? 0,
    })),
    // Old members saw everything: their periods start before the first event and message.
    periods: doc.members.map((m) => ({
      userId: m.userId,
      conversationId: doc._id,
      fromEventId: 0,
      toEventId: null,
      fromSeq: 1,
      toSeq: null,
    })),
    fields: {
      title: null,
      avatarId: null,
      isPublic: false,
      createdBy: null,
      memberCount: doc.members.length,
      closedAt: null,
    },
  };
}

/** v1 → v2: one event log for the server instead of a stream per user, and conversations of many. */
export async function migrateToLog(db: mongo.Db): Promise<void> {
  // The log starts above every id of the per-user streams: a resume point from one of them is
  // below the log's first id, and recognised as void.
  const newest = await db
    .collection<{ id: number }>('events')
    .find({}, { projection: { id: 1 } })
    .sort({ id: -1 })
    .limit(1)
    .next();
  const start = newest?.id ?? 0;
  await db
    .collection<{ _id: string }>('counters')
    .updateOne(
      { _id: EVENT_COUNTER },
      { $setOnInsert: { value: start, first: start + 1 } },
      { upsert: true },
    );

  const conversations = db.collection<LegacyConversation & { _id: string }>('conversations');
  for await (const doc of conversations.find({ members: { $exists: true } })) {
    const { members, periods, fields } = upgradeConversation(doc);
    if (members.length > 0) {
      await db.collection('members').bulkWrite(
        members.map(({ conversationId, userId, ...rest }) => ({
          updateOne: {
            filter: { conversationId, userId },
            update: { $setOnInsert: rest },
            upsert: true,
          },
        })),
      );
      await db.collection('periods').bulkWrite(
        periods.map(({ userId, conversationId, fromEventId, ...rest }) => ({
          updateOne: {
            filter: { userId, conversationId, fromEventId },
            update: { $setOnInsert: rest },
            upsert: true,
          },
        })),
      );
    }
    // Never announced: the first receipt announces the marks.
    await db
      .collection<{ _id: string }>('receiptMarks')
      .updateOne({ _id: doc._id }, { $setOnInsert: { marks: null, writes: 0 } }, { upsert: true });
    await conversations.updateOne(
      { _id: doc._id },
      { $set: fields, $unset: { members: '', memberIds: '' } },
    );
  }

  await db
    .collection('messages')
    .updateMany(
      { kind: { $exists: false } },
      { $set: { kind: 'text', mentions: [], system: null } },
    );
  await db
    .collection('attachments')
    .updateMany({ groupAvatarOf: { $exists: false } }, { $set: { groupAvatarOf: null } });
  // The per-user counter was on the user document, which presence and profile writes touch.
  await db
    .collection('users')
    .updateMany({ eventSeq: { $exists: true } }, { $unset: { eventSeq: '' } });
  await db
    .collection('events')
    .drop()
    .catch((error: unknown) => {
      if ((error as { codeName?: string }).codeName !== 'NamespaceNotFound') throw error;
    });
}

/** What a message stored before v3 is: never answering, changed, forwarded, pinned or hidden. */
export const MESSAGE_ACTION_DEFAULTS = {
  replyToId: null,
  editedAt: null,
  deletedAt: null,
  forwarded: false,
  pinnedAt: null,
  hiddenFor: [],
} as const;

/**
 * v2 → v3: message actions. Messages get the fields of replies, edits, deletions, forwards, pins
 * and hiding; every upload uses its own files (`blobId`: forwarded copies share their source's).
 * Reactions are a new collection (created with its indexes before the steps run).
 */
export async function migrateToActions(db: mongo.Db): Promise<void> {
  await db
    .collection('messages')
    .updateMany({ forwarded: { $exists: false } }, { $set: MESSAGE_ACTION_DEFAULTS });
  // An update pipeline: the value is the document's own _id.
  await db
    .collection('attachments')
    .updateMany({ blobId: { $exists: false } }, [{ $set: { blobId: '$_id' } }]);
}

/**
 * v3 → v4: safety and privacy. Every user gets the privacy settings a new user starts with (the
 * read receipts rule queries them). Blocks and reports are new collections (created with their
 * indexes before the steps run); events without `except` are withheld from nobody.
 */
export async function migrateToSafety(db: mongo.Db): Promise<void> {
  await db
    .collection('users')
    .updateMany({ privacy: { $exists: false } }, { $set: { privacy: { ...DEFAULT_SETTINGS } } });
}
