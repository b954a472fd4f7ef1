// Opaque page cursors: base64url-encoded JSON. Decoding gives null for a cursor this store did
// not issue.

export function encodeUserCursor(username: string): string {
  return encode([username]);
}

export function decodeUserCursor(cursor: string): string | null {
  const [username] = decode(cursor);
  return typeof username === 'string' ? username : null;
}

/**
 * After an item of a list ordered by a time, newest first, then by id: its time (ms) and id (a
 * conversation of a user's list, by activity; a report of the admins' list, by creation).
 */
export function encodeTimeCursor(at: number, id: string): string {
  return encode([at, id]);
}

export function decodeTimeCursor(cursor: string): { at: number; id: string } | null {
  const [at, id] = decode(cursor);
  return isTime(at) && typeof id === 'string' ? { at, id } : null;
}

/** After a conversation of a user's list: when it was pinned (0: not), its activity (ms), its id. */
export function encodeConversationCursor(pinnedAt: number, activityAt: number, id: string): string {
  // The id first: no other list's cursor starts with a string and two numbers.
  return encode([id, pinnedAt, activityAt]);
}

export function decodeConversationCursor(
  cursor: string,
): { pin: number; at: number; id: string } | null {
  const [id, pin, at] = decode(cursor);
  return isTime(pin) && isTime(at) && typeof id === 'string' ? { pin, at, id } : null;
}

/** After a member of a member list: the rank of their role, when they joined (ms), their id. */
export function encodeMemberCursor(rank: number, joinedAt: number, userId: string): string {
  return encode([rank, joinedAt, userId]);
}

export function decodeMemberCursor(
  cursor: string,
): { rank: number; joinedAt: number; userId: string } | null {
  const [rank, joinedAt, userId] = decode(cursor);
  if (!Number.isInteger(rank) || !isTime(joinedAt) || typeof userId !== 'string') return null;
  return { rank: rank as number, joinedAt, userId };
}

/** After a group of the public list: its member count and id. */
export function encodeGroupCursor(memberCount: number, id: string): string {
  return encode([memberCount, id]);
}

export function decodeGroupCursor(cursor: string): { memberCount: number; id: string } | null {
  const [memberCount, id] = decode(cursor);
  if (!Number.isInteger(memberCount) || typeof id !== 'string') return null;
  return { memberCount: memberCount as number, id };
}

function isTime(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
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
