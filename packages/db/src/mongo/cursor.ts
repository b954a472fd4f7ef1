// Opaque page cursors: base64url-encoded JSON. Decoding gives null for a cursor this store did
// not issue.

export function encodeUserCursor(username: string): string {
  return encode([username]);
}

export function decodeUserCursor(cursor: string): string | null {
  const [username] = decode(cursor);
  return typeof username === 'string' ? username : null;
}

export function encodeConversationCursor(lastMessageAt: Date, id: string): string {
  return encode([lastMessageAt.getTime(), id]);
}

export function decodeConversationCursor(
  cursor: string,
): { lastMessageAt: Date; id: string } | null {
  const [ms, id] = decode(cursor);
  if (typeof ms !== 'number' || !Number.isFinite(ms) || typeof id !== 'string') return null;
  return { lastMessageAt: new Date(ms), id };
}

function encode(parts: unknown[]): string {
  return Buffer.from(JSON.stringify(parts)).toString('base64url');
}

function decode(cursor: string): unknown[] {
  try {
    const parts: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    return Array.isArray(parts) ? parts : [];
  } catch {
    return [];
  }
}
