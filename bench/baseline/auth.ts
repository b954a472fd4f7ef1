import { randomBytes, scryptSync, timingSafeEqual } from 'node:crypto';
import { jwtVerify, SignJWT } from 'jose';

export function hashPassword(password: string): string {
  const salt = randomBytes(16);
  return `${salt.toString('hex')}:${scryptSync(password, salt, 64).toString('hex')}`;
}

export function verifyPassword(password: string, stored: string): boolean {
  const [salt, hash] = stored.split(':');
  if (!salt || !hash) return false;
  return timingSafeEqual(
    scryptSync(password, Buffer.from(salt, 'hex'), 64),
    Buffer.from(hash, 'hex'),
  );
}

/** The HS256 key, as jose's documentation makes it from a shared secret. */
export function secretKey(secret: string): Uint8Array {
  return new TextEncoder().encode(secret);
}

export function signToken(userId: string, key: Uint8Array): Promise<string> {
  return new SignJWT({})
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(userId)
    .setIssuedAt()
    .setExpirationTime('1h')
    .sign(key);
}

/** The user id of a valid token; rejects a bad or expired one. */
export async function verifyToken(token: unknown, key: Uint8Array): Promise<string> {
  if (typeof token !== 'string') throw new Error('no token');
  const { payload } = await jwtVerify(token, key, { algorithms: ['HS256'] });
  if (!payload.sub) throw new Error('no subject');
  return payload.sub;
}
