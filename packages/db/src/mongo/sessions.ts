import type { ClientSession, Connection } from 'mongoose';
import type { SessionStore } from '../store.ts';
import type { RotateResult } from '../types.ts';
import { toSession } from './mappers.ts';
import type { Models } from './models.ts';
import { runTransaction } from './transactions.ts';

/**
 * Sessions and their refresh tokens, each change in one transaction: a crash between two of its
 * writes can no longer leave a session without its token, or a rotated token without its
 * successor (which the client's retry would then present as a reuse, revoking the session).
 */
export function sessionMethods(conn: Connection, { Session, RefreshToken }: Models): SessionStore {
  async function revoke(id: string, at: Date, session: ClientSession | null = null) {
    const doc = await Session.findOneAndUpdate(
      { _id: id, revokedAt: null },
      { $set: { revokedAt: at } },
      { returnDocument: 'after', session },
    ).lean();
    return doc ? toSession(doc) : null;
  }

  return {
    createSession({ userId, refreshTokenHash, expiresAt, userAgent, ip }) {
      return runTransaction(conn, async (session) => {
        const [created] = await Session.create(
          [{ userId, createdAt: new Date(), expiresAt, userAgent, ip }],
          { session },
        );
        await RefreshToken.create(
          [{ _id: refreshTokenHash, sessionId: created!._id, createdAt: created!.createdAt }],
          { session },
        );
        return toSession(created!.toObject());
      });
    },

    async getSession(id) {
      const doc = await Session.findById(id).lean();
      return doc ? toSession(doc) : null;
    },

    // Two calls with the same token both read it unrotated, and both write it: the second
    // write conflicts, its transaction runs again and then sees the token rotated (a reuse).
    rotateRefreshToken({ oldHash, newHash, now }) {
      return runTransaction(conn, async (session): Promise<RotateResult> => {
        const token = await RefreshToken.findById(oldHash).session(session).lean();
        if (!token) return { status: 'invalid' };
        const found = await Session.findById(token.sessionId).session(session).lean();
        // A token of a revoked or expired session is refused without being consumed.
        if (!found || found.revokedAt !== null || found.expiresAt <= now) {
          return { status: 'invalid' };
        }
        if (token.rotatedAt !== null) {
          // The token had already been rotated: someone holds a copy, so the whole session ends.
          const revoked = await revoke(found._id, now, session);
          return revoked ? { status: 'reused', session: revoked } : { status: 'invalid' };
        }
        await RefreshToken.updateOne(
          { _id: oldHash, rotatedAt: null },
          { $set: { rotatedAt: now } },
          { session },
        );
        await RefreshToken.create([{ _id: newHash, sessionId: found._id, createdAt: now }], {
          session,
        });
        return { status: 'rotated', session: toSession(found) };
      });
    },

    revokeSession(id, at) {
      return revoke(id, at);
    },
  };
}
