import { useEffect, useRef, useState, type ReactNode } from 'react';
import { nextIndex } from './list-navigation.ts';

export interface MenuItem {
  label: string;
  onSelect: () => void;
  tone?: 'danger';
}

/**
 * A button that opens a short menu: ↑/↓ move between its items, Enter picks, Escape (or
 * leaving it) closes and gives focus back to the button.
 */
export function Menu({
  label,
  items,
  buttonClass,
  children,
  testId,
  align = 'right',
}: {
  /** The button's accessible name. */
  label: string;
  items: MenuItem[];
  buttonClass: string;
  /** What the button shows. */
  children: ReactNode;
  testId?: string;
  align?: 'left' | 'right';
}) {
  const [open, setOpen] = useState(false);
  const button = useRef<HTMLButtonElement>(null);
  const list = useRef<HTMLDivElement>(null);
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
        onClick={() => setOpen((v) => !v)}
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
          className={`absolute top-full z-20 mt-1 min-w-44 rounded-xl bg-white py-1 text-sm shadow-lg ring-1 ring-slate-200 dark:bg-slate-800 dark:ring-slate-700 ${align === 'right' ? 'right-0' : 'left-0'}`}
        >
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
