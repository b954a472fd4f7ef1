import { describe, expect, it } from 'vitest';
import type { NewSession } from '../types.ts';
import { createUsers, type ContractContext } from './fixtures.ts';

const now = new Date('2025-03-01T12:00:00.000Z');
const hour = 3_600_000;

export function sessionContract({ store }: ContractContext): void {
  describe('sessions', () => {
    async function startSession(overrides: Partial<NewSession> = {}) {
      const [alice] = await createUsers(store(), 'alice');
      const session = await store().createSession({
        userId: alice.id,
        refreshTokenHash: 'hash-0',
        expiresAt: new Date(now.getTime() + 24 * hour),
        userAgent: 'vitest',
        ip: '203.0.113.7',
        ...overrides,
      });
      return { alice, session };
    }

    it('creates a session and reads it back by id', async () => {
      const before = Date.now();
      const { alice, session } = await startSession();

      expect(session).toMatchObject({
        userId: alice.id,
        revokedAt: null,
        userAgent: 'vitest',
        ip: '203.0.113.7',
      });
      expect(session.expiresAt).toEqual(new Date(now.getTime() + 24 * hour));
      expect(session.createdAt).toBeInstanceOf(Date);
      expect(session.createdAt.getTime()).toBeGreaterThanOrEqual(before - 1000);
      expect(await store().getSession(session.id)).toEqual(session);
      expect(await store().getSession('no-such-session')).toBeNull();
    });

    it('keeps a missing user agent and ip as null', async () => {
      const { session } = await startSession({ userAgent: null, ip: null });

      expect(await store().getSession(session.id)).toMatchObject({ userAgent: null, ip: null });
    });

    it('rotates the current refresh token, then the one that replaced it', async () => {
      const { session } = await startSession();

      const first = await store().rotateRefreshToken({ oldHash: 'hash-0', newHash: 'hash-1', now });
      const second = await store().rotateRefreshToken({
        oldHash: 'hash-1',
        newHash: 'hash-2',
        now,
      });

      expect(first).toEqual({ status: 'rotated', session });
      expect(second).toEqual({ status: 'rotated', session });
    });

    it('revokes the session when a rotated token is presented again', async () => {
      const { session } = await startSession();
      await store().rotateRefreshToken({ oldHash: 'hash-0', newHash: 'hash-1', now });

      const reuse = await store().rotateRefreshToken({ oldHash: 'hash-0', newHash: 'hash-x', now });

      expect(reuse.status).toBe('reused');
      expect(reuse.status === 'reused' && reuse.session.id).toBe(session.id);
      expect(reuse.status === 'reused' && reuse.session.revokedAt).toBeInstanceOf(Date);
      expect((await store().getSession(session.id))?.revokedAt).toEqual(now);
      expect(
        await store().rotateRefreshToken({ oldHash: 'hash-1', newHash: 'hash-2', now }),
      ).toEqual({ status: 'invalid' });
      expect(
        await store().rotateRefreshToken({ oldHash: 'hash-x', newHash: 'hash-3', now }),
      ).toEqual({ status: 'invalid' });
    });

    it('rejects an unknown refresh token', async () => {
      await startSession();

      expect(
        await store().rotateRefreshToken({ oldHash: 'never-issued', newHash: 'hash-1', now }),
      ).toEqual({ status: 'invalid' });
    });

    it('rejects the token of an expired session without consuming it', async () => {
      const { session } = await startSession({ expiresAt: new Date(now.getTime() + hour) });

      const late = new Date(now.getTime() + 2 * hour);
      expect(
        await store().rotateRefreshToken({ oldHash: 'hash-0', newHash: 'hash-1', now: late }),
      ).toEqual({ status: 'invalid' });
      expect(
        await store().rotateRefreshToken({ oldHash: 'hash-0', newHash: 'hash-1', now }),
      ).toEqual({ status: 'rotated', session });
    });

    it('rejects the token of a revoked session', async () => {
      const { session } = await startSession();
      await store().revokeSession(session.id, now);

      expect(
        await store().rotateRefreshToken({ oldHash: 'hash-0', newHash: 'hash-1', now }),
      ).toEqual({ status: 'invalid' });
    });

    it('rotates at most once when the same token is presented concurrently', async () => {
      const { session } = await startSession();

      const results = await Promise.all(
        [1, 2, 3, 4, 5].map((n) =>
          store().rotateRefreshToken({ oldHash: 'hash-0', newHash: `hash-${n}`, now }),
        ),
      );

      const statuses = results.map((result) => result.status);
      expect(statuses.filter((status) => status === 'rotated')).toHaveLength(1);
      expect(statuses).toContain('reused');
      expect((await store().getSession(session.id))?.revokedAt).not.toBeNull();
    });

    it('revokes a session once and reports it only the first time', async () => {
      const { session } = await startSession();
      const at = new Date(now.getTime() + hour);

      const revoked = await store().revokeSession(session.id, at);
      const again = await store().revokeSession(session.id, new Date(at.getTime() + hour));

      expect(revoked).toEqual({ ...session, revokedAt: at });
      expect(again).toBeNull();
      expect((await store().getSession(session.id))?.revokedAt).toEqual(at);
      expect(await store().revokeSession('no-such-session', at)).toBeNull();
    });
  });
}
