import { randomUUID } from 'node:crypto';
import Database from 'better-sqlite3-multiple-ciphers';
import { DuplicateError, type UserStore } from '../store.ts';
import { escapeLike } from './conversations.ts';
import { toUser, toUserWithSecret, type UserRow } from './rows.ts';

export const userSql = {
  insert: `
    INSERT INTO users (id, username, email, password_hash, display_name, created_at)
    VALUES (@id, @username, @email, @passwordHash, @displayName, @createdAt)
    RETURNING *`,
  byId: `SELECT * FROM users WHERE id = ?`,
  byIds: `SELECT * FROM users WHERE id IN (SELECT value FROM json_each(?))`,
  byLogin: `SELECT * FROM users WHERE username = @login OR email = @login`,
  page: `
    SELECT * FROM users
    WHERE username > @after AND id <> @excludeId
    ORDER BY username
    LIMIT @limit`,
  search: `
    SELECT * FROM users
    WHERE id <> @excludeId
      AND (username LIKE @prefix ESCAPE '\\' OR display_name LIKE @prefix ESCAPE '\\'
        OR display_name LIKE @wordPrefix ESCAPE '\\')
    ORDER BY username
    LIMIT @limit`,
  updateProfile: `
    UPDATE users SET
      display_name = COALESCE(@displayName, display_name),
      bio = COALESCE(@bio, bio),
      avatar_id = CASE WHEN @setAvatar THEN @avatarId ELSE avatar_id END
    WHERE id = @id
    RETURNING *`,
  setLastSeen: `UPDATE users SET last_seen_at = ? WHERE id = ?`,
};

interface InsertParams {
  id: string;
  username: string;
  email: string;
  passwordHash: string;
  displayName: string;
  createdAt: number;
}

interface ProfileParams {
  id: string;
  displayName: string | null;
  bio: string | null;
  setAvatar: number;
  avatarId: string | null;
}

interface PageParams {
  after: string;
  excludeId: string;
  limit: number;
}

interface SearchParams {
  prefix: string;
  wordPrefix: string;
  excludeId: string;
  limit: number;
}

export function userMethods(db: Database.Database): UserStore {
  const insert = db.prepare<[InsertParams], UserRow>(userSql.insert);
  const byId = db.prepare<[string], UserRow>(userSql.byId);
  const byIds = db.prepare<[string], UserRow>(userSql.byIds);
  const byLogin = db.prepare<[{ login: string }], UserRow>(userSql.byLogin);
  const page = db.prepare<[PageParams], UserRow>(userSql.page);
  const search = db.prepare<[SearchParams], UserRow>(userSql.search);
  const updateProfile = db.prepare<[ProfileParams], UserRow>(userSql.updateProfile);
  const setLastSeen = db.prepare<[number, string]>(userSql.setLastSeen);

  return {
    async createUser(user) {
      try {
        const row = insert.get({
          id: randomUUID(),
          username: user.username.toLowerCase(),
          email: user.email.toLowerCase(),
          passwordHash: user.passwordHash,
          displayName: user.displayName,
          createdAt: Date.now(),
        });
        return toUser(row!);
      } catch (error) {
        throw asDuplicateError(error) ?? error;
      }
    },

    async getUser(id) {
      const row = byId.get(id);
      return row ? toUser(row) : null;
    },

    async getUsers(ids) {
      return byIds.all(JSON.stringify(ids)).map(toUser);
    },

    async findUserByLogin(login) {
      const row = byLogin.get({ login: login.toLowerCase() });
      return row ? toUserWithSecret(row) : null;
    },

    async listUsers({ excludeId, limit, cursor }) {
      const rows = page.all({ after: cursor ?? '', excludeId, limit: limit + 1 });
      const items = rows.slice(0, limit).map(toUser);
      const last = items.at(-1);
      return { items, nextCursor: rows.length > limit && last ? last.username : null };
    },

    async searchUsers({ query, excludeId, limit }) {
      const escaped = escapeLike(query.toLowerCase());
      return search
        .all({ prefix: `${escaped}%`, wordPrefix: `% ${escaped}%`, excludeId, limit })
        .map(toUser);
    },

    async updateProfile(id, patch) {
      const row = updateProfile.get({
        id,
        displayName: patch.displayName ?? null,
        bio: patch.bio ?? null,
        setAvatar: patch.avatarId === undefined ? 0 : 1,
        avatarId: patch.avatarId ?? null,
      });
      return row ? toUser(row) : null;
    },

    async setLastSeen(id, at) {
      setLastSeen.run(at.getTime(), id);
    },
  };
}

function asDuplicateError(error: unknown): DuplicateError | null {
  if (!(error instanceof Database.SqliteError) || error.code !== 'SQLITE_CONSTRAINT_UNIQUE') {
    return null;
  }
  if (error.message.includes('users.username')) return new DuplicateError('username');
  if (error.message.includes('users.email')) return new DuplicateError('email');
  return null;
}
