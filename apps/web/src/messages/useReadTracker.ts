import { useCallback, useEffect, useRef, type RefObject } from 'react';
import { useChat } from '../app/session-context.ts';
import type { Conversation } from '../lib/protocol.ts';
import { useStore } from '../lib/store.ts';
import type { Position } from '../realtime/receipts.ts';

/** A message counts as seen when this much of it (or of the screen, for a tall one) shows. */
const SEEN_RATIO = 0.6;

/** The newest of the positions on screen, if it is past what I have read. */
export function readUpTo(onScreen: Iterable<Position>, readSeq: number): Position | null {
  let best: Position | null = null;
  for (const p of onScreen) if (!best || p.seq > best.seq) best = p;
  return best && best.seq > readSeq ? best : null;
}

/**
 * Marks read what has actually been on screen while the page was visible: the newest message
 * (or system line, by its `data-seq` and `data-id`) seen in `scroller`. Starts once `enabled`
 * (the list has taken its first position); `count` re-scans the list when it changes.
 */
export function useReadTracker(
  scroller: RefObject<HTMLElement | null>,
  conversation: Conversation | null,
  count: number,
  enabled: boolean,
) {
  const { engine } = useChat();
  const pageVisible = useStore(engine.visible);
  const onScreen = useRef(new Map<Element, Position>());
  const latest = useRef({ conversation, pageVisible });
  useEffect(() => {
    latest.current = { conversation, pageVisible };
  });

  const flush = useCallback(() => {
    const { conversation: c, pageVisible: shown } = latest.current;
    if (!c || c.myRole === null || !shown) return;
    const upTo = readUpTo(onScreen.current.values(), c.myReadSeq);
    if (upTo) engine.markRead(c.id, upTo);
  }, [engine]);

  useEffect(() => {
    const root = scroller.current;
    if (!root || !enabled || typeof IntersectionObserver === 'undefined') return;
    const seen = onScreen.current;
    const observer = new IntersectionObserver(
      (entries) => {
        for (const entry of entries) {
          const el = entry.target as HTMLElement;
          const screen = entry.rootBounds?.height ?? 0;
          const visible =
            entry.isIntersecting &&
            (entry.intersectionRatio >= SEEN_RATIO ||
              entry.intersectionRect.height >= screen * SEEN_RATIO);
          if (visible && el.dataset.id)
            seen.set(el, { id: el.dataset.id, seq: Number(el.dataset.seq) });
          else seen.delete(el);
        }
        flush();
      },
      { root, threshold: [0, SEEN_RATIO, 1] },
    );
    for (const el of root.querySelectorAll('[data-seq][data-id]')) observer.observe(el);
    return () => {
      observer.disconnect();
      seen.clear();
    };
  }, [scroller, count, enabled, flush]);

  // Coming back to the page (or the server confirming a read) may leave more to mark.
  useEffect(() => flush(), [pageVisible, conversation?.myReadSeq, flush]);
}
