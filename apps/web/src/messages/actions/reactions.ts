import type { Message } from '../../lib/protocol.ts';

export type Reaction = Message['reactions'][number];

/** The reactions a tap offers at once; the server takes any one emoji. */
export const QUICK_REACTIONS = ['👍', '❤️', '😂', '😮', '😢', '🙏'] as const;

/** Behind "more": the next most used. */
export const MORE_REACTIONS: readonly string[] =
  '🔥 🎉 👏 😍 🤔 😅 😭 😡 👀 💯 ✅ ❌ 🙌 🤝 💪 😎 🥳 😴 🤣 😘 👌 🙈 🤞 ⭐'.split(' ');

/**
 * A message's reactions after `userId` added (`on`) or took back one: each emoji once, with
 * its count and reactors (earliest first), most reacted first (ties keep their order).
 */
export function applyReaction(
  reactions: readonly Reaction[],
  change: { emoji: string; userId: string; on: boolean },
): Reaction[] {
  const { emoji, userId, on } = change;
  const current = reactions.find((r) => r.emoji === emoji);
  const has = current?.userIds.includes(userId) ?? false;
  if (has === on) return [...reactions];
  if (!current) return [...reactions, { emoji, count: 1, userIds: [userId] }];
  const userIds = on ? [...current.userIds, userId] : current.userIds.filter((id) => id !== userId);
  const count = Math.max(0, current.count + (on ? 1 : -1));
  return reactions
    .map((r) => (r === current ? { emoji, count, userIds } : r))
    .filter((r) => r.count > 0)
    .sort((a, b) => b.count - a.count);
}

export interface ReactionChip {
  emoji: string;
  count: number;
  /** Whether I am one of those who reacted (a tap takes mine back). */
  mine: boolean;
  /** "You, Alice and 2 others reacted with 👍". */
  label: string;
}

/** Up to this many names in a chip's label. */
const NAMED = 3;

/** What the chips under a bubble show: one per emoji, mine marked, with who reacted. */
export function reactionChips(
  reactions: readonly Reaction[],
  me: string,
  nameOf: (userId: string) => string,
): ReactionChip[] {
  return reactions.map((r) => {
    const mine = r.userIds.includes(me);
    const names = [...(mine ? ['You'] : []), ...r.userIds.filter((id) => id !== me).map(nameOf)];
    const shown = names.slice(0, NAMED);
    const others = r.count - shown.length;
    const who =
      others > 0
        ? `${shown.join(', ')} and ${others === 1 ? '1 other' : `${others} others`}`
        : shown.length > 1
          ? `${shown.slice(0, -1).join(', ')} and ${shown.at(-1)}`
          : (shown[0] ?? 'Someone');
    return { emoji: r.emoji, count: r.count, mine, label: `${who} reacted with ${r.emoji}` };
  });
}
