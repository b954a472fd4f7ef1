import { randomUUID } from 'node:crypto';
import type Database from 'better-sqlite3-multiple-ciphers';
import type { SessionStore } from '../store.ts';
import type { NewSession, RotateResult } from '../types.ts';
import { toSession, type SessionRow } from './rows.ts';

interface RefreshTokenRow {
  session_id: string;
  rotated_at: number | null;
}

export const sessionSql = {
  insert: `
    INSERT INTO sessions (id, user_id, created_at, expires_at, user_agent, ip)
    VALUES (@id, @userId, @createdAt, @expiresAt, @userAgent, @ip)
    RETURNING *`,
  byId: `SELECT * FROM sessions WHERE id = ?`,
  revoke: `UPDATE sessions SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL RETURNING *`,
  insertToken: `INSERT INTO refresh_tokens (hash, session_id, created_at) VALUES (?, ?, ?)`,
  tokenByHash: `SELECT session_id, rotated_at FROM refresh_tokens WHERE hash = ?`,
  markRotated: `UPDATE refresh_tokens SET rotated_at = ? WHERE hash = ?`,
};

interface InsertParams {
  id: string;
  userId: string;
  createdAt: number;
  expiresAt: number;
  userAgent: string | null;
  ip: string | null;
}

export function sessionMethods(db: Database.Database): SessionStore {
  const insert = db.prepare<[InsertParams], SessionRow>(sessionSql.insert);
  const byId = db.prepare<[string], SessionRow>(sessionSql.byId);
  const revoke = db.prepare<[number, string], SessionRow>(sessionSql.revoke);
  const insertToken = db.prepare<[string, string, number]>(sessionSql.insertToken);
  const tokenByHash = db.prepare<[string], RefreshTokenRow>(sessionSql.tokenByHash);
  const markRotated = db.prepare<[number, string]>(sessionSql.markRotated);

  const create = db.transaction((session: NewSession) => {
    const createdAt = Date.now();
    const row = insert.get({
      id: randomUUID(),
      userId: session.userId,
      createdAt,
      expiresAt: session.expiresAt.getTime(),
      userAgent: session.userAgent,
      ip: session.ip,
    })!;
    insertToken.run(session.refreshTokenHash, row.id, createdAt);
    return toSession(row);
  });

  const rotate = db.transaction(
    ({ oldHash, newHash, now }: { oldHash: string; newHash: string; now: Date }): RotateResult => {
      const token = tokenByHash.get(oldHash);
      if (!token) return { status: 'invalid' };
      const session = byId.get(token.session_id);
      if (!session || session.revoked_at !== null || session.expires_at <= now.getTime()) {
        return { status: 'invalid' };
      }
      if (token.rotated_at !== null) {
        return { status: 'reused', session: toSession(revoke.get(now.getTime(), session.id)!) };
      }
      markRotated.run(now.getTime(), oldHash);
      insertToken.run(newHash, session.id, now.getTime());
      return { status: 'rotated', session: toSession(session) };
    },
  );

  return {
    async createSession(session) {
      return create.immediate(session);
    },

    async getSession(id) {
      const row = byId.get(id);
      return row ? toSession(row) : null;
    },

    async rotateRefreshToken(opts) {
      return rotate.immediate(opts);
    },

    async revokeSession(id, at) {
      const row = revoke.get(at.getTime(), id);
      return row ? toSession(row) : null;
    },
  };
}
