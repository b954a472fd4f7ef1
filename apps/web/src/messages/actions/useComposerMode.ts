import { toast } from '../../app/toast.ts';
import { errorInfo } from '../../lib/errors.ts';
import { useStore } from '../../lib/store.ts';
import { trpc } from '../../lib/trpc.ts';
import { allMessages, historyInput } from '../history.ts';
import { composerMode } from './composer-mode.ts';
import { useMe } from '../../auth/useMe.ts';
import { inEditWindow, isEditable } from './menu-items.ts';

/** The composer's reply or edit in one conversation, and the ways in and out of them. */
export function useComposerMode(conversationId: string | null, me: string) {
  const mode = useStore(composerMode, (m) => (m && m.conversationId === conversationId ? m : null));
  const utils = trpc.useUtils();
  const editWindowMs = useMe().data?.editWindowMs ?? null;
  return {
    mode,
    cancel: () => composerMode.set(null),
    /** ↑ in an empty composer: edits my newest message shown, in the edit window (false if none). */
    editLast(): boolean {
      if (!conversationId) return false;
      const last = allMessages(utils.chat.history.getInfiniteData(historyInput(conversationId)))
        .filter((m) => m.senderId === me && isEditable({ ...m, deleted: m.deletedAt !== null }))
        .at(-1);
      // Older ones are older still.
      if (!last || !inEditWindow(last, editWindowMs)) return false;
      composerMode.set({ kind: 'edit', conversationId, messageId: last.id, text: last.text });
      return true;
    },
    /** Saves the edit (true), or says why not in a toast and stays editing (false). */
    async saveEdit(messageId: string, text: string): Promise<boolean> {
      try {
        await utils.client.chat.edit.mutate({ messageId, text });
        composerMode.set(null);
        return true;
      } catch (error) {
        toast(errorInfo(error).message);
        return false;
      }
    },
  };
}
