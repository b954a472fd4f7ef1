import { describe, expect, it } from 'vitest';
import { groupMessages, type DaySection, type MessageGroup } from './grouping.ts';
import { displayMessage } from '../lib/testing.ts';
import type { DisplayMessage } from './timeline.ts';

const now = new Date(2026, 2, 18, 18, 0);
const groupsOf = (day: DaySection) =>
  day.items.filter((i): i is MessageGroup => i.type === 'group');

function msg(
  key: string,
  senderId: string,
  at: Date,
  kind: 'text' | 'system' = 'text',
): DisplayMessage {
  return displayMessage({
    key,
    id: key,
    seq: null,
    senderId,
    kind,
    system: kind === 'system' ? { action: 'joined', actorId: senderId } : null,
    text: key,
    createdAt: at,
    status: null,
  });
}

describe('groupMessages', () => {
  it('splits by day and by sender', () => {
    const days = groupMessages(
      [
        msg('a1', 'ann', new Date(2026, 2, 17, 22, 0)),
        msg('a2', 'ann', new Date(2026, 2, 17, 22, 1)),
        msg('b1', 'bob', new Date(2026, 2, 17, 22, 2)),
        msg('b2', 'bob', new Date(2026, 2, 18, 9, 0)),
        msg('a3', 'ann', new Date(2026, 2, 18, 9, 1)),
      ],
      'ann',
      now,
    );
    expect(days.map((d) => d.label)).toEqual(['Yesterday', 'Today']);
    expect(
      groupsOf(days[0]!).map((g) => [g.senderId, g.mine, g.messages.map((m) => m.key)]),
    ).toEqual([
      ['ann', true, ['a1', 'a2']],
      ['bob', false, ['b1']],
    ]);
    // The day boundary starts a new group even for the same sender (b1 → b2).
    expect(groupsOf(days[1]!).map((g) => g.messages.map((m) => m.key))).toEqual([['b2'], ['a3']]);
  });

  it('starts a new group after a long pause', () => {
    const days = groupMessages(
      [
        msg('1', 'ann', new Date(2026, 2, 18, 9, 0)),
        msg('2', 'ann', new Date(2026, 2, 18, 9, 4)),
        msg('3', 'ann', new Date(2026, 2, 18, 9, 30)),
      ],
      'bob',
      now,
    );
    expect(days).toHaveLength(1);
    expect(groupsOf(days[0]!).map((g) => g.messages.length)).toEqual([2, 1]);
    expect(groupsOf(days[0]!).every((g) => !g.mine)).toBe(true);
  });

  it('handles an empty conversation', () => {
    expect(groupMessages([], 'ann', now)).toEqual([]);
  });

  it('uses stable group keys: the first message key', () => {
    const days = groupMessages([msg('x', 'ann', new Date(2026, 2, 18, 9))], 'ann', now);
    expect(days[0]!.key).toBe('2026-3-18');
    expect(days[0]!.items[0]!.key).toBe('x');
  });

  it('puts system lines and the unread marker between groups', () => {
    const at = (m: number) => new Date(2026, 2, 18, 9, m);
    const days = groupMessages(
      [
        msg('b1', 'bob', at(0)),
        msg('j', 'cy', at(1), 'system'),
        msg('b2', 'bob', at(2)),
        msg('b3', 'bob', at(3)),
      ],
      'ann',
      now,
      { unreadKey: 'b3' },
    );
    expect(days[0]!.items.map((i) => [i.type, i.key])).toEqual([
      ['group', 'b1'],
      ['system', 'j'],
      ['group', 'b2'],
      ['unread', 'unread'],
      ['group', 'b3'],
    ]);
  });
});
