import { useState } from 'react';
import { useDebounced } from '../lib/useDebounced.ts';
import { Panel } from '../ui/Panel.tsx';
import { SearchIcon } from '../ui/icons.tsx';
import { MessageResults } from './MessageResults.tsx';

/** Search within one conversation: a panel beside it (over it, on a phone). */
export function ConversationSearch({
  conversationId,
  onClose,
}: {
  conversationId: string;
  onClose: () => void;
}) {
  const [query, setQuery] = useState('');
  const q = useDebounced(query.trim(), 200);
  return (
    <Panel title="Search in conversation" onClose={onClose} testId="conversation-search">
      <div className="p-3">
        <label className="relative block">
          <span className="sr-only">Search messages in this conversation</span>
          <SearchIcon className="pointer-events-none absolute top-1/2 left-3 size-4 -translate-y-1/2 text-slate-500" />
          <input
            type="search"
            autoFocus
            value={query}
            onChange={(e) => setQuery(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === 'Escape') {
                e.preventDefault();
                onClose();
              }
            }}
            placeholder="Search messages"
            aria-label="Search messages in this conversation"
            autoComplete="off"
            className="w-full rounded-xl border border-transparent bg-slate-100 py-2 pr-3 pl-9 text-base outline-none placeholder:text-slate-500 focus:border-indigo-500 focus:bg-white focus:ring-2 focus:ring-indigo-100 dark:bg-slate-800 dark:placeholder:text-slate-400 dark:focus:border-indigo-400 dark:focus:bg-slate-900 dark:focus:ring-indigo-950"
          />
        </label>
      </div>
      <div className="px-2 pb-3">
        {q ? (
          <MessageResults q={q} conversationId={conversationId} onPick={onClose} />
        ) : (
          <p className="px-3 py-6 text-center text-sm text-slate-600 dark:text-slate-400">
            Type a word to find it in this conversation.
          </p>
        )}
      </div>
    </Panel>
  );
}
