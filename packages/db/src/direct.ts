import type { NewMessage } from './types.ts';

/** The unique key of the direct conversation between two users, whatever their order. */
export function pairKey(a: string, b: string): string {
  return [a, b].sort().join(':');
}

/** Groups are not modelled yet: a message goes from its sender to exactly one other user. */
export function directMemberIds(msg: NewMessage): [string, string] {
  const others = [...new Set(msg.recipientIds)].filter((id) => id !== msg.senderId);
  const [recipientId] = others;
  if (others.length !== 1 || recipientId === undefined) {
    throw new Error(
      'sendMessage supports direct conversations only: one recipient besides the sender',
    );
  }
  return [msg.senderId, recipientId];
}
