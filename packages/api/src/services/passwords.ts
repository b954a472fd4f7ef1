import { dictionary } from '@zxcvbn-ts/language-common';
import argon2 from 'argon2';

/** argon2id at OWASP's recommended minimum: 19 MiB, 2 iterations, 1 lane. */
const HASH_OPTIONS = { type: argon2.argon2id, memoryCost: 19 * 1024, timeCost: 2, parallelism: 1 } as const;

const COMMON_PASSWORDS = new Set(
  (dictionary['passwords-common'] as string[]).slice(0, 1000).map((p) => p.toLowerCase()),
);

export function hashPassword(password: string): Promise<string> {
  return argon2.hash(password, HASH_OPTIONS);
}

export async function verifyPassword(hash: string, password: string): Promise<boolean> {
  try {
    return await argon2.verify(hash, password);
  } catch {
    return false;
  }
}

export function isCommonPassword(password: string): boolean {
  return COMMON_PASSWORDS.has(password.toLowerCase());
}
