/**
 * `pnpm --filter @parley/server rotate-keys`: moves the data at rest from the current encryption
 * key (ENCRYPTION_KEY, or in development the generated one) to NEW_ENCRYPTION_KEY. The SQLite
 * file is re-encrypted (a copy, renamed over it once checked); each blob's data key is re-wrapped
 * (the blob's bytes are copied as they are, not decrypted). Stop every server process first, then
 * start them with ENCRYPTION_KEY set to the new key. After a failure, run it again with the same
 * keys: what is already on the new key is left as it is.
 */
import { rotateEncryptionKey, type KeyRotation } from '@parley/db';
import { ConfigError, ENCRYPTION_KEY_FORMAT, loadConfig, parseEncryptionKey } from './config.ts';
import {
  developmentEncryptionKeyFile,
  loadEncryptionKey,
  replaceDevelopmentEncryptionKey,
} from './keys.ts';

try {
  const config = loadConfig();
  const next = newKey(process.env.NEW_ENCRYPTION_KEY);
  const current = await loadEncryptionKey(config);
  if (current.equals(next)) {
    throw new ConfigError('Invalid configuration:\n  NEW_ENCRYPTION_KEY: is the current key');
  }
  const rotation = await rotateEncryptionKey({
    databaseUrl: config.databaseUrl,
    dataDir: config.dataDir,
    from: current,
    to: next,
  });
  const where = config.encryptionKey
    ? 'Start every process with ENCRYPTION_KEY set to the new key.'
    : `The new key replaced the development key in ${developmentEncryptionKeyFile(config.dataDir)}.`;
  if (!config.encryptionKey) await replaceDevelopmentEncryptionKey(config.dataDir, next);
  console.log(`${report(rotation, config.databaseUrl.startsWith('file:'))}\n${where}`);
} catch (error) {
  // The message says what failed and what to do; the stack would only hide it.
  console.error(`rotate-keys: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}

function newKey(value: string | undefined): Buffer {
  const key = value ? parseEncryptionKey(value) : null;
  if (key) return key;
  const problem = value
    ? ENCRYPTION_KEY_FORMAT
    : `required (the key to move to); ${ENCRYPTION_KEY_FORMAT}`;
  throw new ConfigError(`Invalid configuration:\n  NEW_ENCRYPTION_KEY: ${problem}`);
}

function report({ databaseRekeyed, blobs }: KeyRotation, sqlite: boolean): string {
  const database = !sqlite
    ? 'MongoDB: its own encryption at rest is the server’s (docs/deploy.md)'
    : databaseRekeyed
      ? 're-encrypted with the new key'
      : 'already on the new key';
  return [
    'Encryption key rotated.',
    `  database: ${database}`,
    `  blobs: ${blobs.rewrapped} re-wrapped, ${blobs.encrypted} encrypted (were in the clear), ${blobs.unchanged} already on the new key`,
  ].join('\n');
}
