import { createHash, randomBytes, webcrypto } from 'node:crypto';
import { SignJWT, errors, jwtVerify, type JWTVerifyGetKey } from 'jose';
import { AppError } from '../errors.ts';

/** A symmetric signing key; the first key of a list signs, every key verifies (rotation). */
export interface SigningKey {
  kid: string;
  secret: Uint8Array;
}

export interface AccessClaims {
  userId: string;
  sessionId: string;
  expiresAt: Date;
}

const ISSUER = 'parley';

function importHmacKey(secret: Uint8Array): Promise<webcrypto.CryptoKey> {
  return webcrypto.subtle.importKey('raw', secret, { name: 'HMAC', hash: 'SHA-256' }, false, [
    'sign',
    'verify',
  ]);
}

export function createTokenIssuer(opts: {
  keys: SigningKey[];
  ttlSeconds: number;
  now: () => Date;
}) {
  const [current] = opts.keys;
  if (!current) throw new Error('at least one signing key is required');
  // Imported once: given raw bytes, jose imports the key again on every call.
  const byKid = new Map(opts.keys.map((k) => [k.kid, importHmacKey(k.secret)]));
  const signingKey = byKid.get(current.kid)!;
  const getKey: JWTVerifyGetKey = (header) => {
    const key = header.kid ? byKid.get(header.kid) : undefined;
    if (!key) throw new AppError('UNAUTHORIZED', 'Your session is not valid. Sign in again.');
    return key;
  };

  return {
    async sign(userId: string, sessionId: string): Promise<{ token: string; expiresAt: Date }> {
      const issuedAt = Math.floor(opts.now().getTime() / 1000);
      const exp = issuedAt + opts.ttlSeconds;
      const token = await new SignJWT({ sid: sessionId })
        .setProtectedHeader({ alg: 'HS256', kid: current.kid, typ: 'JWT' })
        .setSubject(userId)
        .setIssuer(ISSUER)
        .setIssuedAt(issuedAt)
        .setExpirationTime(exp)
        .sign(await signingKey);
      return { token, expiresAt: new Date(exp * 1000) };
    },

    async verify(token: string): Promise<AccessClaims> {
      try {
        const { payload } = await jwtVerify(token, getKey, {
          algorithms: ['HS256'],
          issuer: ISSUER,
          currentDate: opts.now(),
        });
        if (typeof payload.sub !== 'string' || typeof payload.sid !== 'string' || !payload.exp) {
          throw new AppError('UNAUTHORIZED', 'Your session is not valid. Sign in again.');
        }
        return {
          userId: payload.sub,
          sessionId: payload.sid,
          expiresAt: new Date(payload.exp * 1000),
        };
      } catch (error) {
        if (error instanceof errors.JWTExpired) {
          throw new AppError(
            'UNAUTHORIZED',
            'Your session has expired. Refresh it or sign in again.',
          );
        }
        if (error instanceof AppError) throw error;
        throw new AppError('UNAUTHORIZED', 'Your session is not valid. Sign in again.');
      }
    },
  };
}

export type TokenIssuer = ReturnType<typeof createTokenIssuer>;

/** A fresh opaque refresh token (256 random bits) and the hash that is stored in its place. */
export function newRefreshToken(): { token: string; hash: string } {
  const token = randomBytes(32).toString('base64url');
  return { token, hash: hashRefreshToken(token) };
}

export function hashRefreshToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}
