import { describe, expect, it } from 'vitest';
import { decodeMemberCursor } from './cursor.ts';
import {
  activityOf,
  pageByActivity,
  pageMembers,
  type ListedConversation,
} from './conversations.ts';
import { newConversationDoc, newMemberDoc } from './messages.ts';

const t = (s: number) => new Date(Date.UTC(2025, 2, 1, 12, 0, s));

function row(
  id: string,
  lastMessageAt: Date | null,
  leftAt: Date | null = null,
): ListedConversation {
  const conversation = {
    ...newConversationDoc({ _id: id, kind: 'direct', createdAt: t(0) }),
    lastMessageAt,
  };
  const member = { ...newMemberDoc(id, 'me', 'member', t(0)), leftAt };
  return { member, conversation, activityAt: activityOf(member, conversation), pinnedAt: 0 };
}

describe('a user’s conversation list', () => {
  it('orders by latest activity: the last message, or the leaving for one I left', () => {
    expect(activityOf(row('a', t(5)).member, row('a', t(5)).conversation)).toBe(t(5).getTime());
    expect(row('b', null).activityAt).toBe(t(0).getTime());
    expect(row('c', t(9), t(3)).activityAt).toBe(t(3).getTime());
  });

  it('pages latest first, ties by id descending, from after the cursor', () => {
    const rows = [row('a', t(1)), row('b', t(3)), row('c', t(3)), row('d', t(2), t(2))];
    const first = pageByActivity(
      rows,
      { pin: Number.MAX_SAFE_INTEGER, at: Number.MAX_SAFE_INTEGER, id: '' },
      2,
    );
    expect(first.page.map((r) => r.conversation._id)).toEqual(['c', 'b']);
    expect(first.more).toBe(true);
    const last = first.page.at(-1)!;
    const second = pageByActivity(
      rows,
      { pin: 0, at: last.activityAt, id: last.conversation._id },
      2,
    );
    expect(second.page.map((r) => r.conversation._id)).toEqual(['d', 'a']);
    expect(second.more).toBe(false);
    expect(pageByActivity(rows, { pin: 0, at: 0, id: '' }, 2)).toEqual({ page: [], more: false });
  });
});

describe('a member list', () => {
  const m = (userId: string, role: 'owner' | 'admin' | 'member', s: number) => ({
    userId,
    role,
    joinedAt: t(s),
  });
  const members = [
    m('z', 'member', 1),
    m('a', 'member', 1),
    m('o', 'owner', 5),
    m('d', 'admin', 9),
    m('y', 'member', 0),
  ];

  it('puts the owner first, then admins, then by joining (ties by id), in pages', () => {
    const seen: string[] = [];
    let after = null;
    for (let pages = 0; pages < 5; pages += 1) {
      const { page, nextCursor } = pageMembers(members, after, 2);
      seen.push(...page.map((entry) => entry.userId));
      if (!nextCursor) break;
      after = decodeMemberCursor(nextCursor);
    }
    expect(seen).toEqual(['o', 'd', 'y', 'a', 'z']);
    expect(pageMembers(members, null, 5).nextCursor).toBeNull();
  });
});
