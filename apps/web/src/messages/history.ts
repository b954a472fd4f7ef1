import type { InfiniteData } from '@tanstack/react-query';
import type { HistoryPage, Message } from '../lib/protocol.ts';

/**
 * A conversation's history as tRPC's infinite query holds it: pages oldest first (older pages
 * are fetched "previous", newer ones "next"), each page's items oldest first.
 */
export type HistoryData<P = string | null> = InfiniteData<HistoryPage, P>;

export const HISTORY_PAGE_SIZE = 50;

/** The input of a conversation's history query (the cursor is the page param). */
export const historyInput = (conversationId: string) => ({
  conversationId,
  limit: HISTORY_PAGE_SIZE,
});

/** Every loaded message, oldest first. */
export function allMessages(data: Pick<HistoryData<unknown>, 'pages'> | undefined): Message[] {
  return data ? data.pages.flatMap((p) => p.items) : [];
}

/** Whether the newest page loaded is the conversation's newest (no gap before live messages). */
export function holdsNewest(data: Pick<HistoryData<unknown>, 'pages'> | undefined): boolean {
  return !!data && (data.pages.at(-1)?.newerCursor ?? null) === null;
}

/**
 * Adds a live message to the newest page. A message already present is left alone (events,
 * replays and refetches may all carry it); with a gap before the newest messages, it waits for
 * that page to be fetched instead.
 */
export function insertMessage<P>(
  data: HistoryData<P> | undefined,
  message: Message,
): HistoryData<P> | undefined {
  if (!data || !holdsNewest(data)) return data;
  if (data.pages.some((p) => p.items.some((m) => m.id === message.id))) return data;
  const last = data.pages.at(-1);
  if (!last) return data;
  const items = [...last.items, message].sort((a, b) => a.seq - b.seq);
  return { ...data, pages: [...data.pages.slice(0, -1), { ...last, items }] };
}

/**
 * The history with `fn` applied to every loaded message: its replacement, or null to drop it
 * (the same object when nothing changed).
 */
export function mapMessages<P>(
  data: HistoryData<P> | undefined,
  fn: (message: Message) => Message | null,
): HistoryData<P> | undefined {
  if (!data) return data;
  let changed = false;
  const pages = data.pages.map((page) => {
    let pageChanged = false;
    const items = page.items.flatMap((m) => {
      const next = fn(m);
      if (next !== m) pageChanged = true;
      return next ? [next] : [];
    });
    if (!pageChanged) return page;
    changed = true;
    return { ...page, items };
  });
  return changed ? { ...data, pages } : data;
}
