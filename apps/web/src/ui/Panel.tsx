import type { ReactNode } from 'react';
import { CloseIcon } from './icons.tsx';

/**
 * A side panel beside a conversation (over it, on a phone): a title, a close button (Escape
 * closes it too, from the shell), and its content.
 */
export function Panel({
  title,
  onClose,
  children,
  testId,
}: {
  title: string;
  onClose: () => void;
  children: ReactNode;
  testId?: string;
}) {
  return (
    <aside
      aria-label={title}
      data-testid={testId}
      className="flex min-h-0 w-full flex-col border-slate-200 bg-white md:w-96 md:shrink-0 md:border-l dark:border-slate-800 dark:bg-slate-950"
    >
      <header className="flex items-center gap-2 border-b border-slate-200 px-3 py-2 dark:border-slate-800">
        <button
          type="button"
          onClick={onClose}
          aria-label={`Close ${title.toLowerCase()}`}
          className="inline-flex size-10 items-center justify-center rounded-lg text-slate-600 hover:bg-slate-100 dark:text-slate-300 dark:hover:bg-slate-800"
        >
          <CloseIcon />
        </button>
        <h2 className="font-semibold">{title}</h2>
      </header>
      <div className="scrollbar-thin min-h-0 flex-1 overflow-y-auto">{children}</div>
    </aside>
  );
}

/** A titled block inside a panel or a form. */
export function PanelSection({
  title,
  children,
  testId,
}: {
  title: string;
  children: ReactNode;
  testId?: string;
}) {
  return (
    <section
      className="border-b border-slate-200 px-5 py-4 last:border-b-0 dark:border-slate-800"
      data-testid={testId}
    >
      <h3 className="mb-3 text-xs font-semibold tracking-wide text-slate-600 uppercase dark:text-slate-400">
        {title}
      </h3>
      {children}
    </section>
  );
}
