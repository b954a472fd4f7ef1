import { createStore } from '../lib/store.ts';

export interface Toast {
  id: number;
  message: string;
  tone: 'error' | 'info';
}

export const toasts = createStore<Toast[]>([]);
let nextId = 1;

/** Shows a short message in the corner; errors stay a little longer. */
export function toast(message: string, tone: Toast['tone'] = 'error') {
  const id = nextId++;
  toasts.set((list) =>
    [...list.filter((t) => t.message !== message), { id, message, tone }].slice(-4),
  );
  setTimeout(() => dismissToast(id), tone === 'error' ? 6000 : 3500);
}

export function dismissToast(id: number) {
  toasts.set((list) => list.filter((t) => t.id !== id));
}
