import { useEffect, useLayoutEffect, useRef, useState, type ReactNode } from 'react';
import { nextIndex } from './list-navigation.ts';

export interface MenuItem {
  label: string;
  onSelect: () => void;
  tone?: 'danger';
}

/** Keeps this far from the window's edges (px). */
const EDGE = 8;

/**
 * A button that opens a short menu: ↑/↓ move between its items, Enter picks, Escape (or
 * leaving it) closes and gives focus back to the button. It opens upwards when there is no
 * room below, and shifts sideways to stay in the window.
 */
export function Menu({
  label,
  items,
  buttonClass,
  children,
  testId,
  align = 'right',
  open: openProp,
  onOpenChange,
  header,
}: {
  /** The button's accessible name. */
  label: string;
  items: MenuItem[];
  buttonClass: string;
  /** What the button shows. */
  children: ReactNode;
  testId?: string;
  align?: 'left' | 'right';
  /** Controlled: whether it is open (also opened by other means, e.g. a right-click). */
  open?: boolean;
  onOpenChange?: (open: boolean) => void;
  /** Shown above the items, inside the menu (its `menuitem`s take part in ↑/↓). */
  header?: (close: () => void) => ReactNode;
}) {
  const [ownOpen, setOwnOpen] = useState(false);
  const open = openProp ?? ownOpen;
  const setOpen = (next: boolean) => {
    setOwnOpen(next);
    onOpenChange?.(next);
  };
  const [place, setPlace] = useState({ up: false, shift: 0 });
  const button = useRef<HTMLButtonElement>(null);
  const list = useRef<HTMLDivElement>(null);
  useLayoutEffect(() => {
    const el = list.current;
    const anchor = button.current;
    if (!open || !el || !anchor) return setPlace({ up: false, shift: 0 });
    const rect = el.getBoundingClientRect();
    const up =
      rect.bottom > window.innerHeight - EDGE &&
      anchor.getBoundingClientRect().top - rect.height > EDGE;
    const right = window.innerWidth - EDGE;
    const shift = rect.left < EDGE ? EDGE - rect.left : rect.right > right ? right - rect.right : 0;
    setPlace({ up, shift: Math.round(shift) });
  }, [open]);
  useEffect(() => {
    if (open) list.current?.querySelector<HTMLElement>('[role="menuitem"]')?.focus();
  }, [open]);
  const close = () => {
    setOpen(false);
    button.current?.focus();
  };
  return (
    <div
      className="relative"
      onBlur={(e) => {
        if (!e.currentTarget.contains(e.relatedTarget as Node | null)) setOpen(false);
      }}
    >
      <button
        ref={button}
        type="button"
        aria-haspopup="menu"
        aria-expanded={open}
        aria-label={label}
        data-testid={testId}
        onClick={() => setOpen(!open)}
        className={buttonClass}
      >
        {children}
      </button>
      {open ? (
        <div
          ref={list}
          role="menu"
          aria-label={label}
          onKeyDown={(e) => {
            if (e.key === 'Escape') {
              e.preventDefault();
              close();
              return;
            }
            const entries = [...e.currentTarget.querySelectorAll<HTMLElement>('[role="menuitem"]')];
            const next = nextIndex(
              e.key,
              entries.indexOf(document.activeElement as HTMLElement),
              entries.length,
            );
            if (next === null) return;
            e.preventDefault();
            entries[next]!.focus();
          }}
          style={place.shift ? { transform: `translateX(${place.shift}px)` } : undefined}
          className={`absolute z-20 min-w-44 rounded-xl bg-white py-1 text-sm shadow-lg ring-1 ring-slate-200 dark:bg-slate-800 dark:ring-slate-700 ${place.up ? 'bottom-full mb-1' : 'top-full mt-1'} ${align === 'right' ? 'right-0' : 'left-0'}`}
        >
          {header?.(close)}
          {items.map((item) => (
            <button
              key={item.label}
              type="button"
              role="menuitem"
              tabIndex={-1}
              onClick={() => {
                close();
                item.onSelect();
              }}
              className={`block w-full px-3 py-2 text-left whitespace-nowrap hover:bg-slate-100 focus-visible:bg-slate-100 focus-visible:outline-none dark:hover:bg-slate-700 dark:focus-visible:bg-slate-700 ${item.tone === 'danger' ? 'text-rose-700 dark:text-rose-300' : ''}`}
            >
              {item.label}
            </button>
          ))}
        </div>
      ) : null}
    </div>
  );
}
