import { describe, expect, it } from 'vitest';
import { conversation, message } from '../lib/testing.ts';
import {
  applySettings,
  compareConversations,
  isArchivedNow,
  isMutedNow,
  splitArchived,
  unreadTotal,
} from './organise.ts';

const NOW = new Date('2026-03-18T12:00:00Z');
const hours = (h: number) => new Date(NOW.getTime() + h * 3600_000);
const settings = { mutedUntil: null, pinnedAt: null, archivedAt: null, markedUnread: false };

describe('organise', () => {
  it('a mute ends by itself', () => {
    expect(isMutedNow(conversation({ mutedUntil: hours(1) }), NOW)).toBe(true);
    expect(isMutedNow(conversation({ mutedUntil: hours(-1) }), NOW)).toBe(false);
    expect(isMutedNow(conversation(), NOW)).toBe(false);
  });

  it('an archived conversation comes back with a newer message, unless muted', () => {
    const last = message({ seq: 1, senderId: 'bob', createdAt: hours(-1) });
    const archived = conversation({ archivedAt: hours(-2), lastMessage: last });
    expect(isArchivedNow(archived, NOW)).toBe(false);
    expect(isArchivedNow({ ...archived, mutedUntil: hours(5) }, NOW)).toBe(true);
    expect(isArchivedNow({ ...archived, archivedAt: hours(-0.5) }, NOW)).toBe(true);
    expect(isArchivedNow(conversation({ archivedAt: hours(-2) }), NOW)).toBe(true);
  });

  it('applies settings and recomputes what they imply', () => {
    const c = applySettings(
      conversation(),
      { ...settings, mutedUntil: hours(8), archivedAt: hours(-1), markedUnread: true },
      NOW,
    );
    expect(c).toMatchObject({ muted: true, archived: true, markedUnread: true });
    const unmuted = applySettings(c, { ...settings, archivedAt: hours(-1) }, NOW);
    expect(unmuted).toMatchObject({ muted: false, archived: true, markedUnread: false });
  });

  it('orders pinned first (latest pin first), then by activity, empty last', () => {
    const list = [
      conversation({ id: 'old', lastMessageAt: hours(-5) }),
      conversation({ id: 'empty', lastMessageAt: null }),
      conversation({ id: 'pin1', lastMessageAt: hours(-9), pinnedAt: hours(-3) }),
      conversation({ id: 'new', lastMessageAt: hours(-1) }),
      conversation({ id: 'pin2', lastMessageAt: hours(-8), pinnedAt: hours(-2) }),
    ];
    expect([...list].sort(compareConversations).map((c) => c.id)).toEqual([
      'pin2',
      'pin1',
      'new',
      'old',
      'empty',
    ]);
  });

  it('splits the archived ones off', () => {
    const { inbox, archived } = splitArchived(
      [conversation({ id: 'a' }), conversation({ id: 'b', archivedAt: hours(-1) })],
      NOW,
    );
    expect(inbox.map((c) => c.id)).toEqual(['a']);
    expect(archived.map((c) => c.id)).toEqual(['b']);
  });

  it('counts unread messages, one per marked-unread conversation, nothing muted', () => {
    expect(
      unreadTotal(
        [
          conversation({ unreadCount: 3 }),
          conversation({ markedUnread: true }),
          conversation({ markedUnread: true, unreadCount: 2 }),
          conversation({ unreadCount: 7, mutedUntil: hours(1) }),
        ],
        NOW,
      ),
    ).toBe(6);
  });
});
