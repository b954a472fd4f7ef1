import { randomUUID } from 'node:crypto';
import type Database from 'better-sqlite3-multiple-ciphers';
import { DEFAULT_SETTINGS } from '../privacy.ts';
import type { SafetyStore } from '../store.ts';
import type {
  LastSeenVisibility,
  PrivacySettings,
  Report,
  ReportStatus,
  StoredEvent,
} from '../types.ts';
import type { AppendEvent } from './events.ts';
import type { RefreshMarks } from './receipts.ts';

export const safetySql = {
  block: `INSERT OR IGNORE INTO blocks (blocker_id, blocked_id, created_at) VALUES (?, ?, ?)`,
  unblock: `DELETE FROM blocks WHERE blocker_id = ? AND blocked_id = ?`,
  blocked: `
    SELECT blocked_id AS user_id, created_at FROM blocks WHERE blocker_id = ?
    ORDER BY created_at DESC, blocked_id`,
  blockedAmong: `
    SELECT blocked_id FROM blocks
    WHERE blocker_id = ? AND blocked_id IN (SELECT value FROM json_each(?))`,
  blockersAmong: `
    SELECT blocker_id FROM blocks
    WHERE blocked_id = ? AND blocker_id IN (SELECT value FROM json_each(?))`,
  settings: `
    SELECT id, last_seen_visibility, read_receipts, notification_previews FROM users
    WHERE id IN (SELECT value FROM json_each(?))`,
  updateSettings: `
    UPDATE users SET
      last_seen_visibility = coalesce(@lastSeen, last_seen_visibility),
      read_receipts = coalesce(@readReceipts, read_receipts),
      notification_previews = coalesce(@notificationPreviews, notification_previews)
    WHERE id = @id`,
  directConversations: `
    SELECT c.id FROM conversation_members AS m
    JOIN conversations AS c ON c.id = m.conversation_id AND c.kind = 'direct'
    WHERE m.user_id = ?`,
  insertReport: `
    INSERT INTO reports
      (id, reporter_id, user_id, message_id, reason, details, context, created_at)
    VALUES (@id, @reporterId, @userId, @messageId, @reason, @details, @context, @createdAt)
    RETURNING *`,
  reports: `
    SELECT * FROM reports
    WHERE status = @status AND (created_at, id) < (@beforeAt, @beforeId)
    ORDER BY created_at DESC, id DESC
    LIMIT @limit`,
  resolve: `
    UPDATE reports SET status = 'resolved', resolved_by = @resolvedBy, resolution = @resolution,
      resolved_at = @at
    WHERE id = @id AND status = 'open'
    RETURNING *`,
};

interface SettingsRow {
  id: string;
  last_seen_visibility: LastSeenVisibility;
  read_receipts: number;
  notification_previews: number;
}

interface ReportRow {
  id: string;
  reporter_id: string;
  user_id: string;
  message_id: string | null;
  reason: Report['reason'];
  details: string;
  context: string;
  created_at: number;
  status: ReportStatus;
  resolved_by: string | null;
  resolution: string | null;
  resolved_at: number | null;
}

function toSettings(row: SettingsRow | undefined): PrivacySettings {
  if (!row) return { ...DEFAULT_SETTINGS };
  return {
    lastSeen: row.last_seen_visibility,
    readReceipts: row.read_receipts === 1,
    notificationPreviews: row.notification_previews === 1,
  };
}

function toReport(row: ReportRow): Report {
  const context = JSON.parse(row.context) as Array<
    Report['context'][number] & { createdAt: string }
  >;
  return {
    id: row.id,
    reporterId: row.reporter_id,
    userId: row.user_id,
    messageId: row.message_id,
    reason: row.reason,
    details: row.details,
    context: context.map((m) => ({ ...m, createdAt: new Date(m.createdAt) })),
    createdAt: new Date(row.created_at),
    status: row.status,
    resolvedBy: row.resolved_by,
    resolution: row.resolution,
    resolvedAt: row.resolved_at === null ? null : new Date(row.resolved_at),
  };
}

export function safetyMethods(
  db: Database.Database,
  deps: { appendEvent: AppendEvent; refreshMarks: RefreshMarks },
): SafetyStore {
  const { appendEvent, refreshMarks } = deps;
  const block = db.prepare<[string, string, number]>(safetySql.block);
  const unblock = db.prepare<[string, string]>(safetySql.unblock);
  const blocked = db.prepare<[string], { user_id: string; created_at: number }>(safetySql.blocked);
  const blockedAmong = db.prepare<[string, string], string>(safetySql.blockedAmong).pluck();
  const blockersAmong = db.prepare<[string, string], string>(safetySql.blockersAmong).pluck();
  const settings = db.prepare<[string], SettingsRow>(safetySql.settings);
  const updateSettings = db.prepare<
    [
      {
        id: string;
        lastSeen: string | null;
        readReceipts: number | null;
        notificationPreviews: number | null;
      },
    ]
  >(safetySql.updateSettings);
  const directConversations = db.prepare<[string], string>(safetySql.directConversations).pluck();
  const insertReport = db.prepare<[Record<string, unknown>], ReportRow>(safetySql.insertReport);
  const reports = db.prepare<
    [{ status: ReportStatus; beforeAt: number; beforeId: string; limit: number }],
    ReportRow
  >(safetySql.reports);
  const resolve = db.prepare<
    [{ id: string; resolvedBy: string; resolution: string; at: number }],
    ReportRow
  >(safetySql.resolve);

  const setBlocked = db.transaction((blockerId: string, userId: string, on: boolean, at: Date) => {
    const changed = on
      ? block.run(blockerId, userId, at.getTime()).changes === 1
      : unblock.run(blockerId, userId).changes === 1;
    const events = changed
      ? [appendEvent({ userId: blockerId }, { type: 'user.blocked', userId, blocked: on }, at)]
      : [];
    return { changed, events };
  });

  const update = db.transaction((userId: string, patch: Partial<PrivacySettings>, at: Date) => {
    updateSettings.run({
      id: userId,
      lastSeen: patch.lastSeen ?? null,
      readReceipts: patch.readReceipts === undefined ? null : Number(patch.readReceipts),
      notificationPreviews:
        patch.notificationPreviews === undefined ? null : Number(patch.notificationPreviews),
    });
    const now = toSettings(settings.get(JSON.stringify([userId])));
    const events: StoredEvent[] = [];
    if (patch.readReceipts !== undefined) {
      for (const conversationId of directConversations.all(userId)) {
        const marks = refreshMarks(conversationId, at);
        if (marks) events.push(marks);
      }
    }
    events.push(appendEvent({ userId }, { type: 'settings.changed', settings: now }, at));
    return { settings: now, events };
  });

  return {
    async setBlocked({ blockerId, userId, blocked: on, at }) {
      return setBlocked.immediate(blockerId, userId, on, at);
    },

    async listBlocked(userId) {
      return blocked
        .all(userId)
        .map((r) => ({ userId: r.user_id, blockedAt: new Date(r.created_at) }));
    },

    async blockRelations(userId, otherIds) {
      if (otherIds.length === 0) return { blocked: [], blockedBy: [] };
      const ids = JSON.stringify(otherIds);
      return { blocked: blockedAmong.all(userId, ids), blockedBy: blockersAmong.all(userId, ids) };
    },

    async getSettings(userIds) {
      const rows = new Map(settings.all(JSON.stringify(userIds)).map((r) => [r.id, r] as const));
      return userIds.map((id) => toSettings(rows.get(id)));
    },

    async updateSettings(userId, patch, at) {
      return update.immediate(userId, patch, at);
    },

    async createReport(report) {
      return toReport(
        insertReport.get({
          id: randomUUID(),
          reporterId: report.reporterId,
          userId: report.userId,
          messageId: report.messageId,
          reason: report.reason,
          details: report.details,
          context: JSON.stringify(report.context),
          createdAt: report.createdAt.getTime(),
        })!,
      );
    },

    async listReports({ status, limit, cursor }) {
      const before = cursor ? /^(\d+):(.+)$/.exec(cursor) : null;
      if (cursor && !before) return { items: [], nextCursor: null };
      const rows = reports.all({
        status,
        beforeAt: before ? Number(before[1]) : Number.MAX_SAFE_INTEGER,
        beforeId: before?.[2] ?? '',
        limit: limit + 1,
      });
      const items = rows.slice(0, limit).map(toReport);
      const last = rows[limit - 1];
      return {
        items,
        nextCursor: rows.length > limit && last ? `${last.created_at}:${last.id}` : null,
      };
    },

    async resolveReport({ id, resolvedBy, resolution, at }) {
      const row = resolve.get({ id, resolvedBy, resolution, at: at.getTime() });
      return row ? toReport(row) : null;
    },
  };
}
