import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { SigningKey } from '@parley/api';
import type { Config } from './config.ts';

const encode = (s: string) => new TextEncoder().encode(s);

/**
 * The JWT signing keys: from JWT_KEYS (rotation: the first signs) or JWT_SECRET; in development,
 * generated once into the data directory so a restart keeps everyone signed in.
 */
export async function loadSigningKeys(config: Config): Promise<SigningKey[]> {
  if (config.jwtKeys) {
    return config.jwtKeys.split(',').map((pair) => {
      const at = pair.indexOf(':');
      return { kid: pair.slice(0, at), secret: encode(pair.slice(at + 1)) };
    });
  }
  if (config.jwtSecret) return [{ kid: 'env', secret: encode(config.jwtSecret) }];
  return [await developmentKey(config.dataDir)];
}

async function developmentKey(dataDir: string): Promise<SigningKey> {
  const file = path.join(dataDir, 'dev-jwt-key.json');
  try {
    const stored = JSON.parse(await readFile(file, 'utf8')) as { kid: string; secret: string };
    return { kid: stored.kid, secret: Buffer.from(stored.secret, 'base64url') };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const key = {
    kid: `dev-${randomBytes(4).toString('hex')}`,
    secret: randomBytes(32).toString('base64url'),
  };
  await mkdir(dataDir, { recursive: true });
  try {
    await writeFile(file, JSON.stringify(key), { mode: 0o600, flag: 'wx' });
  } catch (error) {
    // Another process sharing the data directory wrote it first: use theirs.
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return developmentKey(dataDir);
    throw error;
  }
  return { kid: key.kid, secret: Buffer.from(key.secret, 'base64url') };
}
