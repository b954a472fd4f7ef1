import type { SessionStore } from '../store.ts';
import { toSession } from './mappers.ts';
import type { Models } from './models.ts';

export function sessionMethods({ Session, RefreshToken }: Models): SessionStore {
  async function revoke(id: string, at: Date) {
    const doc = await Session.findOneAndUpdate(
      { _id: id, revokedAt: null },
      { $set: { revokedAt: at } },
      { returnDocument: 'after' },
    ).lean();
    return doc ? toSession(doc) : null;
  }

  return {
    async createSession({ userId, refreshTokenHash, expiresAt, userAgent, ip }) {
      const session = await Session.create({
        userId,
        createdAt: new Date(),
        expiresAt,
        userAgent,
        ip,
      });
      await RefreshToken.create({
        _id: refreshTokenHash,
        sessionId: session._id,
        createdAt: session.createdAt,
      });
      return toSession(session.toObject());
    },

    async getSession(id) {
      const doc = await Session.findById(id).lean();
      return doc ? toSession(doc) : null;
    },

    async rotateRefreshToken({ oldHash, newHash, now }) {
      const token = await RefreshToken.findById(oldHash).lean();
      if (!token) return { status: 'invalid' };
      // A token of a revoked or expired session is refused without being consumed.
      const session = await Session.findOne({
        _id: token.sessionId,
        revokedAt: null,
        expiresAt: { $gt: now },
      }).lean();
      if (!session) return { status: 'invalid' };

      // The compare-and-swap: of concurrent callers with the same token, exactly one matches.
      const claimed =
        token.rotatedAt === null &&
        (await RefreshToken.findOneAndUpdate(
          { _id: oldHash, rotatedAt: null },
          { $set: { rotatedAt: now } },
        ).lean());
      if (claimed) {
        await RefreshToken.create({ _id: newHash, sessionId: session._id, createdAt: now });
        return { status: 'rotated', session: toSession(session) };
      }
      // The token had already been rotated: someone holds a copy, so the whole session ends.
      const revoked = await revoke(session._id, now);
      return revoked ? { status: 'reused', session: revoked } : { status: 'invalid' };
    },

    revokeSession(id, at) {
      return revoke(id, at);
    },
  };
}
