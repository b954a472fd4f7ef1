import type { ClientSession } from 'mongoose';
import { applySettings, NO_SETTINGS } from '../settings.ts';
import { ConversationRuleError, PinLimitError } from '../store.ts';
import type {
  ConversationSettings,
  SettingsChange,
  SettingsResult,
  StoredEvent,
} from '../types.ts';
import type { Tx } from './events.ts';
import type { Models } from './models.ts';
import type { WriteOp } from './writer.ts';

const FIELDS = { _id: 0, mutedUntil: 1, pinnedAt: 1, archivedAt: 1, markedUnread: 1 } as const;

export function settingsMethods(models: Models) {
  const { ConversationSettings, Member } = models;

  const current = async (
    userId: string,
    conversationId: string,
    session: ClientSession,
  ): Promise<ConversationSettings> =>
    (await ConversationSettings.findOne({ userId, conversationId }, FIELDS)
      .session(session)
      .lean()) ?? NO_SETTINGS;

  /** See `SettingsStore.updateConversationSettings`; an op of the log's group commit. */
  const updateOp =
    (change: SettingsChange): WriteOp<Tx, SettingsResult> =>
    async (tx) => {
      const { userId, conversationId, at } = change;
      const { session } = tx;
      if (!(await Member.exists({ conversationId, userId }).session(session)))
        throw new ConversationRuleError('not_found');
      const before = await current(userId, conversationId, session);
      const { settings, changed } = applySettings(before, change.patch);
      if (!changed) return { settings, changed, events: [] };
      if (settings.pinnedAt !== null && before.pinnedAt === null) {
        const others = await ConversationSettings.countDocuments({
          userId,
          conversationId: { $ne: conversationId },
          pinnedAt: { $type: 'date' },
        }).session(session);
        if (others >= change.maxPinned) throw new PinLimitError(change.maxPinned);
      }
      await ConversationSettings.updateOne(
        { userId, conversationId },
        { $set: settings },
        { session, upsert: true },
      );
      const event = tx.append(
        { userId },
        { type: 'conversation.settings', conversationId, ...settings },
        at,
      );
      return { settings, changed, events: [event] };
    };

  /**
   * Clears the user's "marked unread" of a conversation they read, with its event (null when it
   * was not set), in the transaction that moved their read position.
   */
  const clearUnread = async (
    tx: Tx,
    userId: string,
    conversationId: string,
    at: Date,
  ): Promise<StoredEvent | null> => {
    const after = await ConversationSettings.findOneAndUpdate(
      { userId, conversationId, markedUnread: true },
      { $set: { markedUnread: false } },
      { session: tx.session, returnDocument: 'after', projection: FIELDS },
    ).lean();
    if (!after) return null;
    return tx.append({ userId }, { type: 'conversation.settings', conversationId, ...after }, at);
  };

  return {
    updateOp,
    clearUnread,
  };
}

export type MongoSettings = ReturnType<typeof settingsMethods>;
