import { useRef, type PointerEvent } from 'react';

/** How long a finger rests on a message before its menu opens (ms). */
const LONG_PRESS_MS = 500;
/** Moving further than this (px) is a scroll, not a press. */
const SLOP = 10;

/** Pointer handlers that call `onLongPress` when a touch rests in place. */
export function useLongPress(onLongPress: () => void) {
  const timer = useRef<{ id: ReturnType<typeof setTimeout>; x: number; y: number } | null>(null);
  const cancel = () => {
    if (timer.current) clearTimeout(timer.current.id);
    timer.current = null;
  };
  return {
    onPointerDown(e: PointerEvent) {
      if (e.pointerType !== 'touch') return;
      cancel();
      timer.current = { id: setTimeout(onLongPress, LONG_PRESS_MS), x: e.clientX, y: e.clientY };
    },
    onPointerMove(e: PointerEvent) {
      const t = timer.current;
      if (t && Math.hypot(e.clientX - t.x, e.clientY - t.y) > SLOP) cancel();
    },
    onPointerUp: cancel,
    onPointerCancel: cancel,
  };
}
