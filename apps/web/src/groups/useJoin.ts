import { navigate } from '../app/navigation.ts';
import { toast } from '../app/toast.ts';
import { errorInfo } from '../lib/errors.ts';
import type { PublicGroup } from '../lib/protocol.ts';
import { trpc } from '../lib/trpc.ts';

/** Joins a public group (or opens it, for a member) and goes to it. */
export function useJoin() {
  const join = trpc.groups.join.useMutation();
  const utils = trpc.useUtils();
  return {
    isPending: join.isPending,
    async open(group: Pick<PublicGroup, 'id' | 'isMember'>) {
      try {
        if (!group.isMember) {
          await join.mutateAsync({ conversationId: group.id });
          await utils.chat.conversations.invalidate();
          void utils.groups.browse.invalidate();
        }
        navigate({ name: 'conversation', conversationId: group.id });
      } catch (error) {
        toast(errorInfo(error).message);
      }
    },
  };
}
