import { DuplicateError, type UserStore } from '../store.ts';
import type { ProfilePatch } from '../types.ts';
import { decodeUserCursor, encodeUserCursor } from './cursor.ts';
import { duplicateKeyFields } from './errors.ts';
import { toUser, toUserWithSecret } from './mappers.ts';
import { CASE_INSENSITIVE, type Models, type UserDoc } from './models.ts';

export function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export function userMethods({ User }: Models): UserStore {
  async function getUser(id: string) {
    const doc = await User.findById(id).lean();
    return doc ? toUser(doc) : null;
  }

  return {
    async createUser(user) {
      try {
        const doc = await User.create({
          username: user.username,
          email: user.email,
          passwordHash: user.passwordHash,
          displayName: user.displayName,
        });
        return toUser(doc.toObject());
      } catch (error) {
        const fields = duplicateKeyFields(error);
        if (fields?.includes('username')) throw new DuplicateError('username');
        if (fields?.includes('email')) throw new DuplicateError('email');
        throw error;
      }
    },

    getUser,

    async getUsers(ids) {
      // Each user once, in the order of their first mention.
      const unique = [...new Set(ids)];
      if (unique.length === 0) return [];
      const docs = await User.find({ _id: { $in: unique } }).lean();
      const byId = new Map(docs.map((doc) => [doc._id, toUser(doc)]));
      return unique.flatMap((id) => byId.get(id) ?? []);
    },

    async findUserByLogin(login) {
      const doc = await User.findOne({ $or: [{ username: login }, { email: login }] })
        .collation(CASE_INSENSITIVE)
        .lean();
      return doc ? toUserWithSecret(doc) : null;
    },

    async listUsers({ excludeId, limit, cursor }) {
      if (limit <= 0) return { items: [], nextCursor: null };
      const filter: Record<string, unknown> = { _id: { $ne: excludeId } };
      if (cursor) {
        // A cursor this store did not issue points nowhere: the caller gets an empty page.
        const after = decodeUserCursor(cursor);
        if (after === null) return { items: [], nextCursor: null };
        filter.username = { $gt: after };
      }
      const docs = await User.find(filter)
        .sort({ username: 1 })
        .limit(limit + 1)
        .lean();
      const items = docs.slice(0, limit).map(toUser);
      const last = items.at(-1);
      return {
        items,
        nextCursor: docs.length > limit && last ? encodeUserCursor(last.username) : null,
      };
    },

    async searchUsers({ query, excludeId, limit }) {
      if (limit <= 0) return [];
      const escaped = escapeRegex(query);
      const docs = await User.find({
        _id: { $ne: excludeId },
        $or: [
          // Usernames are stored lower-cased: a case-sensitive prefix reads a range of the index.
          { username: { $regex: `^${escapeRegex(query.toLowerCase())}` } },
          // Any word of the display name, as SQLite's LIKE 'q%' OR LIKE '% q%'.
          { displayName: { $regex: `(?:^| )${escaped}`, $options: 'i' } },
        ],
      })
        .sort({ username: 1 })
        .limit(limit)
        .lean();
      return docs.map(toUser);
    },

    async updateProfile(id, patch) {
      const set = profileUpdate(patch);
      if (Object.keys(set).length === 0) return getUser(id);
      const doc = await User.findOneAndUpdate(
        { _id: id },
        { $set: set },
        { returnDocument: 'after', runValidators: true },
      ).lean();
      return doc ? toUser(doc) : null;
    },

    async setLastSeen(id, at) {
      await User.updateOne({ _id: id }, { $set: { lastSeenAt: at } });
    },
  };
}

function profileUpdate(
  patch: ProfilePatch,
): Partial<Pick<UserDoc, 'displayName' | 'bio' | 'avatarId'>> {
  const set: Partial<Pick<UserDoc, 'displayName' | 'bio' | 'avatarId'>> = {};
  if (patch.displayName !== undefined) set.displayName = patch.displayName;
  if (patch.bio !== undefined) set.bio = patch.bio;
  if (patch.avatarId !== undefined) set.avatarId = patch.avatarId;
  return set;
}
