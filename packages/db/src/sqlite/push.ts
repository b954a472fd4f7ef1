import type Database from 'better-sqlite3-multiple-ciphers';
import type { PushStore } from '../store.ts';
import type { PushSubscription } from '../types.ts';

interface SubscriptionRow {
  endpoint: string;
  user_id: string;
  session_id: string;
  p256dh: string;
  auth: string;
  created_at: number;
}

export const pushSql = {
  save: `
    INSERT INTO push_subscriptions (endpoint, user_id, session_id, p256dh, auth, created_at)
    VALUES (@endpoint, @userId, @sessionId, @p256dh, @auth, @createdAt)
    ON CONFLICT (endpoint) DO UPDATE SET
      user_id = excluded.user_id, session_id = excluded.session_id, p256dh = excluded.p256dh,
      auth = excluded.auth, created_at = excluded.created_at`,
  delete: `DELETE FROM push_subscriptions WHERE endpoint = ?`,
  deleteOwn: `DELETE FROM push_subscriptions WHERE endpoint = ? AND user_id = ?`,
  // Current members but the sender, with a device whose session is still going (a signed-out
  // device is told nothing), who did not mute the conversation.
  targets: `
    SELECT p.* FROM conversation_members AS m
    JOIN push_subscriptions AS p ON p.user_id = m.user_id
    JOIN sessions AS s ON s.id = p.session_id AND s.revoked_at IS NULL AND s.expires_at > @at
    LEFT JOIN conversation_settings AS cs
      ON cs.user_id = m.user_id AND cs.conversation_id = m.conversation_id
    WHERE m.conversation_id = @conversationId AND m.left_at IS NULL AND m.user_id <> @exceptUserId
      AND (@userIds IS NULL OR m.user_id IN (SELECT value FROM json_each(@userIds)))
      AND (cs.muted_until IS NULL OR cs.muted_until <= @at)`,
};

function toSubscription(row: SubscriptionRow): PushSubscription {
  return {
    endpoint: row.endpoint,
    userId: row.user_id,
    sessionId: row.session_id,
    p256dh: row.p256dh,
    auth: row.auth,
    createdAt: new Date(row.created_at),
  };
}

export function pushMethods(db: Database.Database): PushStore {
  const save = db.prepare<
    [
      {
        endpoint: string;
        userId: string;
        sessionId: string;
        p256dh: string;
        auth: string;
        createdAt: number;
      },
    ]
  >(pushSql.save);
  const remove = db.prepare<[string]>(pushSql.delete);
  const removeOwn = db.prepare<[string, string]>(pushSql.deleteOwn);
  const targets = db.prepare<
    [{ conversationId: string; exceptUserId: string; userIds: string | null; at: number }],
    SubscriptionRow
  >(pushSql.targets);

  return {
    async savePushSubscription(s) {
      save.run({ ...s, createdAt: s.createdAt.getTime() });
    },

    async deletePushSubscription(endpoint, userId) {
      const result = userId === undefined ? remove.run(endpoint) : removeOwn.run(endpoint, userId);
      return result.changes > 0;
    },

    async listPushTargets({ conversationId, exceptUserId, userIds, at }) {
      return targets
        .all({
          conversationId,
          exceptUserId,
          userIds: userIds ? JSON.stringify(userIds) : null,
          at: at.getTime(),
        })
        .map(toSubscription);
    },
  };
}
