import type { InfiniteData } from '@tanstack/react-query';
import type { HistoryPage, Message } from './protocol.ts';

export type HistoryData = InfiniteData<HistoryPage, string | null>;

/** The query key of a conversation's history pages. */
export const historyKey = (peerId: string) => ['history', peerId] as const;

export const HISTORY_PAGE_SIZE = 50;

/** Every loaded message, any order. */
export function allMessages(data: HistoryData | undefined): Message[] {
  return data ? data.pages.flatMap((p) => p.items) : [];
}

/**
 * Adds a live message to the newest page (pages are newest first, items newest first). A message
 * already present anywhere is left alone: events, send results and refetches may all carry it.
 */
export function insertMessage(
  data: HistoryData | undefined,
  message: Message,
): HistoryData | undefined {
  if (!data) return data;
  if (data.pages.some((p) => p.items.some((m) => m.id === message.id))) return data;
  const [first, ...rest] = data.pages;
  if (!first) {
    return { pages: [{ items: [message], nextCursor: null }], pageParams: [null] };
  }
  const items = [...first.items, message].sort((a, b) => b.seq - a.seq);
  return { ...data, pages: [{ ...first, items }, ...rest] };
}
