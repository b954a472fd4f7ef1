/**
 * Jumping to a message (a search result, a reply's original, a notification): its page of
 * history is put in the conversation's cache (the page around it, when it is not loaded), the
 * conversation opens, and the message list scrolls to the message and highlights it. The list
 * then pages both ways from there, as from any page.
 */
import { useCallback, useEffect, useLayoutEffect, type RefObject } from 'react';
import { navigate } from '../app/navigation.ts';
import { createStore, useStore } from '../lib/store.ts';
import { trpc } from '../lib/trpc.ts';
import { allMessages, HISTORY_PAGE_SIZE, historyInput, type HistoryData } from './history.ts';

type Utils = ReturnType<typeof trpc.useUtils>;

export interface JumpTarget {
  conversationId: string;
  messageId: string;
}

/** The message the open conversation should show next (null once it did). */
export const jumpTarget = createStore<JumpTarget | null>(null);

/** How long a message jumped to stays highlighted (ms). */
export const HIGHLIGHT_MS = 2500;

/** Whether `data` holds the message (then no page needs fetching). */
export function holdsMessage(data: HistoryData | undefined, messageId: string): boolean {
  return allMessages(data).some((m) => m.id === messageId);
}

/**
 * Makes the conversation's history hold the message: the page around it replaces what was
 * cached (the list pages older and newer from there; a refetch starts again from the newest).
 */
export async function loadAround(utils: Utils, target: JumpTarget): Promise<void> {
  const input = historyInput(target.conversationId);
  if (holdsMessage(utils.chat.history.getInfiniteData(input), target.messageId)) return;
  const page = await utils.client.chat.history.query({
    conversationId: target.conversationId,
    around: target.messageId,
    limit: HISTORY_PAGE_SIZE,
  });
  await utils.chat.history.cancel(input);
  utils.chat.history.setInfiniteData(input, { pages: [page], pageParams: [null] });
}

/** Opens the conversation at the message, highlighted. */
export function useJumpToMessage() {
  const utils = trpc.useUtils();
  return useCallback(
    async (target: JumpTarget) => {
      await loadAround(utils, target);
      jumpTarget.set({ ...target });
      navigate({ name: 'conversation', conversationId: target.conversationId });
    },
    [utils],
  );
}

/** The message of this conversation a jump is pending for (the list then skips its own first position). */
export function usePendingJump(conversationId: string | null): string | null {
  return useStore(jumpTarget, (t) =>
    t && t.conversationId === conversationId ? t.messageId : null,
  );
}

/**
 * In the message list, after its own scroll effects: when a jump to one of its messages is
 * pending and the message is rendered, scrolls it to the middle and highlights it.
 */
export function useJumpHighlight(
  scroller: RefObject<HTMLElement | null>,
  conversationId: string | null,
  renderedCount: number,
): void {
  const target = usePendingJump(conversationId);
  useLayoutEffect(() => {
    const el = scroller.current;
    if (!el || !target) return;
    const node = el.querySelector<HTMLElement>(`[data-id="${CSS.escape(target)}"]`);
    if (!node) return;
    node.scrollIntoView({ block: 'center' });
    node.dataset.highlighted = 'true';
    jumpTarget.set(null);
    setTimeout(() => delete node.dataset.highlighted, HIGHLIGHT_MS);
  }, [scroller, target, renderedCount]);
  // A target that never shows (the message is gone) must not hold the list forever.
  useEffect(() => {
    if (!target) return;
    const id = setTimeout(() => jumpTarget.set(null), 5000);
    return () => clearTimeout(id);
  }, [target]);
}
