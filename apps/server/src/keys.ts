import { randomBytes, randomUUID } from 'node:crypto';
import { link, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { generateVapidKeys, type SigningKey, type VapidKeys } from '@parley/api';
import { MASTER_KEY_BYTES } from '@parley/db';
import { ConfigError, parseEncryptionKey, type Config } from './config.ts';

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
  const stored = await readOrCreate(path.join(config.dataDir, 'dev-jwt-key.json'), () =>
    JSON.stringify({
      kid: `dev-${randomBytes(4).toString('hex')}`,
      secret: randomBytes(32).toString('base64url'),
    }),
  );
  const { kid, secret } = JSON.parse(stored) as { kid: string; secret: string };
  return [{ kid, secret: Buffer.from(secret, 'base64url') }];
}

/** The contact push services are given in development (an https: URL or mailto: in production). */
const DEVELOPMENT_VAPID_SUBJECT = 'mailto:parley@localhost';

/**
 * The Web Push (VAPID) keys: from VAPID_PUBLIC_KEY, VAPID_PRIVATE_KEY and VAPID_SUBJECT; in
 * development, generated once into the data directory, so browsers' subscriptions survive a
 * restart (they are bound to the public key).
 */
export async function loadVapidKeys(config: Config): Promise<VapidKeys> {
  if (config.vapid) return config.vapid;
  const stored = await readOrCreate(path.join(config.dataDir, 'dev-vapid-keys.json'), () =>
    JSON.stringify(generateVapidKeys()),
  );
  const keys = JSON.parse(stored) as Omit<VapidKeys, 'subject'>;
  return { ...keys, subject: DEVELOPMENT_VAPID_SUBJECT };
}

/** Where development keeps its encryption key when ENCRYPTION_KEY is unset. */
export function developmentEncryptionKeyFile(dataDir: string): string {
  return path.join(dataDir, 'dev-encryption.key');
}

/**
 * The master key of encryption at rest: ENCRYPTION_KEY; in development without it, generated
 * once into the data directory (owner-only) and kept across restarts, like the JWT key.
 */
export async function loadEncryptionKey(config: Config): Promise<Buffer> {
  if (config.encryptionKey) return config.encryptionKey;
  const file = developmentEncryptionKeyFile(config.dataDir);
  const stored = await readOrCreate(file, () => randomBytes(MASTER_KEY_BYTES).toString('hex'));
  const key = parseEncryptionKey(stored.trim());
  if (!key) {
    throw new ConfigError(
      `Invalid configuration:\n  ENCRYPTION_KEY: unset, and ${file} holds no key`,
    );
  }
  return key;
}

/** Replaces the development encryption key (after `rotate-keys`), atomically. */
export async function replaceDevelopmentEncryptionKey(dataDir: string, key: Buffer): Promise<void> {
  const file = developmentEncryptionKeyFile(dataDir);
  await rename(await writeBeside(file, key.toString('hex')), file);
}

/**
 * The contents of `file`, created with `make()` (owner-only) when it does not exist. It appears
 * whole or not at all, and when processes sharing the directory race, the first one wins.
 */
async function readOrCreate(file: string, make: () => string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  await mkdir(path.dirname(file), { recursive: true });
  const temporary = await writeBeside(file, make());
  try {
    await link(temporary, file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  } finally {
    await rm(temporary, { force: true });
  }
  return readFile(file, 'utf8');
}

/** Writes `contents` into a new owner-only file beside `file`, and returns its path. */
async function writeBeside(file: string, contents: string): Promise<string> {
  const temporary = `${file}.${randomUUID()}.tmp`;
  await writeFile(temporary, contents, { mode: 0o600, flag: 'wx' });
  return temporary;
}
