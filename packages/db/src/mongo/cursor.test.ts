import { describe, expect, it } from 'vitest';
import {
  decodeConversationCursor,
  decodeGroupCursor,
  decodeMemberCursor,
  decodeTimeCursor,
  decodeUserCursor,
  encodeConversationCursor,
  encodeGroupCursor,
  encodeMemberCursor,
  encodeTimeCursor,
  encodeUserCursor,
} from './cursor.ts';

describe('page cursors', () => {
  it('round-trip what they encode', () => {
    const at = Date.parse('2025-03-01T12:00:00.123Z');
    expect(decodeConversationCursor(encodeConversationCursor(0, at, 'c-1'))).toEqual({
      pin: 0,
      at,
      id: 'c-1',
    });
    expect(decodeTimeCursor(encodeTimeCursor(at, 'r-1'))).toEqual({ at, id: 'r-1' });
    expect(decodeUserCursor(encodeUserCursor('alice'))).toBe('alice');
    expect(decodeMemberCursor(encodeMemberCursor(1, at, 'u-1'))).toEqual({
      rank: 1,
      joinedAt: at,
      userId: 'u-1',
    });
    expect(decodeGroupCursor(encodeGroupCursor(12, 'g-1'))).toEqual({ memberCount: 12, id: 'g-1' });
  });

  it('refuse cursors they did not issue, including those of another list', () => {
    const forged = ['', 'not base64 json', Buffer.from('{"a":1}').toString('base64url')];
    for (const cursor of forged) {
      expect(decodeTimeCursor(cursor)).toBeNull();
      expect(decodeConversationCursor(cursor)).toBeNull();
      expect(decodeUserCursor(cursor)).toBeNull();
      expect(decodeMemberCursor(cursor)).toBeNull();
      expect(decodeGroupCursor(cursor)).toBeNull();
    }
    expect(decodeTimeCursor(encodeUserCursor('alice'))).toBeNull();
    expect(decodeMemberCursor(encodeTimeCursor(1, 'c'))).toBeNull();
    expect(decodeConversationCursor(encodeUserCursor('alice'))).toBeNull();
    expect(decodeMemberCursor(encodeConversationCursor(1, 2, 'c'))).toBeNull();
    expect(decodeConversationCursor(encodeMemberCursor(0, 1, 'u'))).toBeNull();
    expect(decodeGroupCursor(encodeMemberCursor(0, 1, 'u'))).toBeNull();
  });
});
