import { randomFillSync } from 'node:crypto';

/** Random bytes are drawn 4 KiB at a time (one system call for 409 ids instead of one each). */
const POOL_SIZE = 4096;
const RANDOM_BYTES = 10;
const pool = Buffer.alloc(POOL_SIZE);
let used = POOL_SIZE;

const bytes = Buffer.alloc(16);
const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/**
 * A UUIDv7 (RFC 9562): 48 bits of milliseconds, then 74 random bits. Rows keyed by it are
 * appended at the end of their index instead of landing on a random page of it, so a commit
 * writes one page of that index, not one per row.
 */
export function uuidv7(now = Date.now()): string {
  if (used + RANDOM_BYTES > POOL_SIZE) {
    randomFillSync(pool);
    used = 0;
  }
  pool.copy(bytes, 6, used, used + RANDOM_BYTES);
  used += RANDOM_BYTES;
  bytes.writeUIntBE(now, 0, 6);
  bytes[6] = (bytes[6]! & 0x0f) | 0x70;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  let id = '';
  for (let i = 0; i < 16; i++) {
    if (i === 4 || i === 6 || i === 8 || i === 10) id += '-';
    id += HEX[bytes[i]!];
  }
  return id;
}
