import { hkdfSync } from 'node:crypto';

/** Bytes of the master key (ENCRYPTION_KEY): AES-256. */
export const MASTER_KEY_BYTES = 32;

/** What a subkey is for: each use of the master key gets its own, so none can stand in for another. */
export type KeyPurpose = 'sqlcipher' | 'blob-wrap' | 'blob-key-id';

/**
 * A subkey of the master key: HKDF-SHA256 (RFC 5869), empty salt (the master key is uniformly
 * random), info `parley <purpose> v1`. Reproducible outside Parley, e.g. the database key with
 * `openssl kdf -keylen 32 -kdfopt digest:SHA256 -kdfopt hexkey:<master> -kdfopt info:"parley sqlcipher v1" HKDF`.
 */
export function subkey(master: Buffer, purpose: KeyPurpose, bytes = 32): Buffer {
  if (master.length !== MASTER_KEY_BYTES) {
    throw new RangeError(`the encryption key must be ${MASTER_KEY_BYTES} bytes`);
  }
  return Buffer.from(hkdfSync('sha256', master, Buffer.alloc(0), `parley ${purpose} v1`, bytes));
}
