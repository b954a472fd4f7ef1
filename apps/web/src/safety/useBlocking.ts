import { useChat } from '../app/session-context.ts';
import { toast } from '../app/toast.ts';
import { errorInfo } from '../lib/errors.ts';
import type { PublicUser } from '../lib/protocol.ts';
import { trpc } from '../lib/trpc.ts';
import { isBlockedIn, withBlocked, withoutBlocked } from './blocked-list.ts';

/** Whom a safety action is about. */
export type Person = Pick<PublicUser, 'id' | 'displayName'>;

/** Whom I blocked (kept current by `user.blocked` events from my other devices). */
export function useBlockedList() {
  return trpc.users.blocked.useQuery(undefined, { staleTime: 5 * 60_000 });
}

export function useIsBlocked(userId: string | null): boolean {
  return isBlockedIn(useBlockedList().data, userId);
}

/**
 * Blocks or unblocks someone at once on screen; a refusal puts the list back and says why.
 * Afterwards their profile is asked for again (what I may see of them changes) and my
 * conversations too (a blocked person's conversation with me stays, theirs do not appear).
 */
export function useSetBlocked() {
  const utils = trpc.useUtils();
  const { engine } = useChat();
  const block = trpc.users.block.useMutation();
  const unblock = trpc.users.unblock.useMutation();

  return async function setBlocked(user: Person, blocked: boolean): Promise<boolean> {
    await utils.users.blocked.cancel();
    const before = utils.users.blocked.getData();
    // Someone the app knows goes on the list at once; anyone else when the server answers.
    const known = engine.directory.people.get()[user.id];
    if (before && !blocked) utils.users.blocked.setData(undefined, withoutBlocked(before, user.id));
    if (before && blocked && known)
      utils.users.blocked.setData(undefined, withBlocked(before, known, new Date()));
    try {
      await (blocked ? block : unblock).mutateAsync({ userId: user.id });
      toast(
        blocked ? `You blocked ${user.displayName}.` : `${user.displayName} is unblocked.`,
        'info',
      );
      return true;
    } catch (error) {
      utils.users.blocked.setData(undefined, before);
      toast(
        `Could not ${blocked ? 'block' : 'unblock'} ${user.displayName}: ${errorInfo(error).message}`,
      );
      return false;
    } finally {
      void utils.users.blocked.invalidate();
      void utils.chat.conversations.invalidate();
      engine.directory.refresh([user.id]);
    }
  };
}
