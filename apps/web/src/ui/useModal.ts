import { useEffect, useRef } from 'react';

/**
 * Shows a <dialog> as a modal while the component is mounted (focus stays inside, Escape
 * closes) and gives the focus back to what opened it afterwards.
 */
export function useModal() {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const el = ref.current;
    const opener = document.activeElement as HTMLElement | null;
    if (el && !el.open) el.showModal();
    return () => {
      if (el?.open) el.close();
      opener?.focus();
    };
  }, []);
  return ref;
}
