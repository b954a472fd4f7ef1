import type Database from 'better-sqlite3-multiple-ciphers';
import { applySettings } from '../settings.ts';
import { ConversationRuleError, PinLimitError, type SettingsStore } from '../store.ts';
import type { SettingsChange, SettingsResult, StoredEvent } from '../types.ts';
import { conversationSql } from './conversations.ts';
import type { AppendEvent } from './events.ts';
import { toSettings, type SettingsColumns } from './rows.ts';

export const settingsSql = {
  one: `
    SELECT muted_until, pinned_at, archived_at, marked_unread FROM conversation_settings
    WHERE user_id = ? AND conversation_id = ?`,
  upsert: `
    INSERT INTO conversation_settings
      (user_id, conversation_id, muted_until, pinned_at, archived_at, marked_unread)
    VALUES (@userId, @conversationId, @mutedUntil, @pinnedAt, @archivedAt, @markedUnread)
    ON CONFLICT (user_id, conversation_id) DO UPDATE SET
      muted_until = excluded.muted_until, pinned_at = excluded.pinned_at,
      archived_at = excluded.archived_at, marked_unread = excluded.marked_unread`,
  otherPins: `
    SELECT count(*) FROM conversation_settings
    WHERE user_id = ? AND pinned_at IS NOT NULL AND conversation_id <> ?`,
  clearUnread: `
    UPDATE conversation_settings SET marked_unread = 0
    WHERE user_id = ? AND conversation_id = ? AND marked_unread = 1
    RETURNING muted_until, pinned_at, archived_at, marked_unread`,
};

const msOrNull = (date: Date | null) => date?.getTime() ?? null;

/**
 * Clears the user's "marked unread" of a conversation they read, with its event (null when it
 * was not set); call it inside the transaction that moved their read position.
 */
export type ClearUnread = (userId: string, conversationId: string, at: Date) => StoredEvent | null;

export function unreadClearer(db: Database.Database, appendEvent: AppendEvent): ClearUnread {
  const clear = db.prepare<[string, string], SettingsColumns>(settingsSql.clearUnread);
  return (userId, conversationId, at) => {
    const row = clear.get(userId, conversationId);
    if (!row) return null;
    return appendEvent(
      { userId },
      { type: 'conversation.settings', conversationId, ...toSettings(row) },
      at,
    );
  };
}

export function settingsMethods(db: Database.Database, appendEvent: AppendEvent): SettingsStore {
  const member = db.prepare<[string, string], { user_id: string }>(conversationSql.member);
  const one = db.prepare<[string, string], SettingsColumns>(settingsSql.one);
  const upsert = db.prepare<
    [
      {
        userId: string;
        conversationId: string;
        mutedUntil: number | null;
        pinnedAt: number | null;
        archivedAt: number | null;
        markedUnread: number;
      },
    ]
  >(settingsSql.upsert);
  const otherPins = db.prepare<[string, string], number>(settingsSql.otherPins).pluck();

  const update = db.transaction((change: SettingsChange): SettingsResult => {
    const { userId, conversationId, at } = change;
    if (!member.get(conversationId, userId)) throw new ConversationRuleError('not_found');
    const current = toSettings(one.get(userId, conversationId));
    const { settings, changed } = applySettings(current, change.patch);
    if (!changed) return { settings, changed, events: [] };
    if (
      settings.pinnedAt !== null &&
      current.pinnedAt === null &&
      (otherPins.get(userId, conversationId) ?? 0) >= change.maxPinned
    ) {
      throw new PinLimitError(change.maxPinned);
    }
    upsert.run({
      userId,
      conversationId,
      mutedUntil: msOrNull(settings.mutedUntil),
      pinnedAt: msOrNull(settings.pinnedAt),
      archivedAt: msOrNull(settings.archivedAt),
      markedUnread: Number(settings.markedUnread),
    });
    const event = appendEvent(
      { userId },
      { type: 'conversation.settings', conversationId, ...settings },
      at,
    );
    return { settings, changed, events: [event] };
  });

  return {
    async updateConversationSettings(change) {
      return update.immediate(change);
    },
  };
}
