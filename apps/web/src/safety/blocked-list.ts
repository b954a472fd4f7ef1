import type { PublicUser, RouterOutputs } from '../lib/protocol.ts';

export type BlockedList = RouterOutputs['users']['blocked'];

/** The list with `user` blocked, as the server will have it (most recent first). */
export function withBlocked(list: BlockedList, user: PublicUser, at: Date): BlockedList {
  return [{ user, blockedAt: at }, ...withoutBlocked(list, user.id)];
}

export function withoutBlocked(list: BlockedList, userId: string): BlockedList {
  return list.filter((entry) => entry.user.id !== userId);
}

export const isBlockedIn = (list: BlockedList | undefined, userId: string | null) =>
  !!userId && !!list?.some((entry) => entry.user.id === userId);
