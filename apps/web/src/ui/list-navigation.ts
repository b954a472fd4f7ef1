import type React from 'react';

/** Where focus goes in a list of `count` items from `index` (-1: none focused) on `key`. */
export function nextIndex(key: string, index: number, count: number): number | null {
  if (count === 0) return null;
  switch (key) {
    case 'ArrowDown':
      return index < 0 ? 0 : Math.min(count - 1, index + 1);
    case 'ArrowUp':
      return index < 0 ? count - 1 : Math.max(0, index - 1);
    case 'Home':
      return 0;
    case 'End':
      return count - 1;
    default:
      return null;
  }
}

/** The items arrow keys move between, inside `root`. */
export const navItems = (root: ParentNode) => [
  ...root.querySelectorAll<HTMLElement>('[data-nav-item]'),
];

/** A list's onKeyDown: ↑/↓/Home/End move focus between its `data-nav-item` elements. */
export function onListKeyDown(e: React.KeyboardEvent<HTMLElement>) {
  const items = navItems(e.currentTarget);
  const index = items.indexOf(document.activeElement as HTMLElement);
  const next = nextIndex(e.key, index, items.length);
  if (next === null) return;
  e.preventDefault();
  items[next]!.focus();
}
