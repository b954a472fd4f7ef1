import { describe, expect, it } from 'vitest';
import { reactInput } from '@parley/api/schemas';
import { applyReaction, MORE_REACTIONS, QUICK_REACTIONS, reactionChips } from './reactions.ts';

const names: Record<string, string> = { bob: 'Bob', cy: 'Cy', dee: 'Dee', eve: 'Eve' };
const nameOf = (id: string) => names[id] ?? 'Someone';

describe('applyReaction', () => {
  it('adds a first reaction, then a second person to it', () => {
    const one = applyReaction([], { emoji: '👍', userId: 'bob', on: true });
    expect(one).toEqual([{ emoji: '👍', count: 1, userIds: ['bob'] }]);
    expect(applyReaction(one, { emoji: '👍', userId: 'ann', on: true })).toEqual([
      { emoji: '👍', count: 2, userIds: ['bob', 'ann'] },
    ]);
  });

  it('takes a reaction back and drops the emoji when nobody is left', () => {
    const start = [
      { emoji: '👍', count: 2, userIds: ['bob', 'ann'] },
      { emoji: '😂', count: 1, userIds: ['cy'] },
    ];
    expect(applyReaction(start, { emoji: '👍', userId: 'ann', on: false })).toEqual([
      { emoji: '👍', count: 1, userIds: ['bob'] },
      { emoji: '😂', count: 1, userIds: ['cy'] },
    ]);
    expect(applyReaction(start, { emoji: '😂', userId: 'cy', on: false })).toEqual([
      { emoji: '👍', count: 2, userIds: ['bob', 'ann'] },
    ]);
  });

  it('keeps the most reacted first', () => {
    const start = [
      { emoji: '👍', count: 1, userIds: ['bob'] },
      { emoji: '😂', count: 1, userIds: ['cy'] },
    ];
    expect(
      applyReaction(start, { emoji: '😂', userId: 'ann', on: true }).map((r) => r.emoji),
    ).toEqual(['😂', '👍']);
  });

  it('ignores a repeat (a replayed event) of what is already so', () => {
    const start = [{ emoji: '👍', count: 1, userIds: ['bob'] }];
    expect(applyReaction(start, { emoji: '👍', userId: 'bob', on: true })).toEqual(start);
    expect(applyReaction(start, { emoji: '😂', userId: 'bob', on: false })).toEqual(start);
  });
});

describe('reactionChips', () => {
  it('marks mine and names who reacted, me first', () => {
    const chips = reactionChips(
      [
        { emoji: '👍', count: 2, userIds: ['bob', 'ann'] },
        { emoji: '😂', count: 1, userIds: ['cy'] },
      ],
      'ann',
      nameOf,
    );
    expect(chips).toEqual([
      { emoji: '👍', count: 2, mine: true, label: 'You and Bob reacted with 👍' },
      { emoji: '😂', count: 1, mine: false, label: 'Cy reacted with 😂' },
    ]);
  });

  it('names three and counts the rest (beyond the 100 ids the server lists, too)', () => {
    const [chip] = reactionChips(
      [{ emoji: '❤️', count: 150, userIds: ['bob', 'cy', 'dee', 'eve'] }],
      'ann',
      nameOf,
    );
    expect(chip!.label).toBe('Bob, Cy, Dee and 147 others reacted with ❤️');
    const [two] = reactionChips(
      [{ emoji: '❤️', count: 4, userIds: ['bob', 'cy', 'dee', 'eve'] }],
      'x',
      nameOf,
    );
    expect(two!.label).toBe('Bob, Cy, Dee and 1 other reacted with ❤️');
  });
});

describe('the reactions offered', () => {
  it('are each one emoji the server accepts, none twice', () => {
    const all = [...QUICK_REACTIONS, ...MORE_REACTIONS];
    expect(new Set(all).size).toBe(all.length);
    for (const emoji of all)
      expect(
        reactInput.safeParse({ messageId: 'x'.repeat(10), emoji, on: true }).error?.issues ?? [],
      ).toEqual([]);
  });
});
