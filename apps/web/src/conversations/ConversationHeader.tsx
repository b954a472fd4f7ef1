import type React from 'react';
import { BackToList } from '../ui/BackToList.tsx';
import { Avatar } from '../ui/Avatar.tsx';

/** A conversation's header: back (on phones), picture, name (opens the info panel), status. */
/** A round icon button of a conversation's header. */
export const headerButton =
  'inline-flex size-10 shrink-0 items-center justify-center rounded-lg text-slate-600 hover:bg-slate-100 hover:text-slate-900 dark:text-slate-300 dark:hover:bg-slate-800 dark:hover:text-white';

export function ConversationHeader({
  face,
  online,
  status,
  statusTone,
  onInfo,
  infoOpen,
  actions = null,
}: {
  face: { id: string; displayName: string; avatarId: string | null };
  online: boolean;
  status: string;
  statusTone: 'active' | 'online' | 'muted';
  onInfo: (() => void) | null;
  infoOpen: boolean;
  /** Buttons at the end of the header (search, the conversation's menu). */
  actions?: React.ReactNode;
}) {
  const toneClass = {
    active: 'text-indigo-700 dark:text-indigo-300',
    online: 'text-emerald-700 dark:text-emerald-300',
    muted: 'text-slate-600 dark:text-slate-400',
  }[statusTone];
  const body: React.ReactNode = (
    <>
      <Avatar user={face} size="sm" online={online} />
      <span className="min-w-0 text-left">
        <span className="block truncate font-semibold" data-testid="peer-name">
          {face.displayName}
        </span>
        <span
          data-testid="peer-status"
          aria-live="polite"
          className={`block truncate text-xs ${toneClass}`}
        >
          {status}
        </span>
      </span>
    </>
  );
  return (
    <header className="flex items-center gap-2 border-b border-slate-200 bg-white px-3 py-2 md:px-5 dark:border-slate-800 dark:bg-slate-950">
      <BackToList />
      <h2 className="flex min-w-0 flex-1">
        {onInfo ? (
          <button
            type="button"
            onClick={onInfo}
            aria-expanded={infoOpen}
            data-testid="open-info"
            className="flex min-w-0 items-center gap-3 rounded-lg p-1 hover:bg-slate-100 dark:hover:bg-slate-800"
          >
            {body}
            <span className="sr-only">, show details</span>
          </button>
        ) : (
          <span className="flex min-w-0 items-center gap-3 p-1">{body}</span>
        )}
      </h2>
      {actions}
    </header>
  );
}
