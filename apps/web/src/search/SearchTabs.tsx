export type SearchTab = 'people' | 'messages';

const TABS: { id: SearchTab; label: string }[] = [
  { id: 'people', label: 'People & groups' },
  { id: 'messages', label: 'Messages' },
];

/** What the sidebar search looks through: people and public groups, or my messages. */
export function SearchTabs({
  tab,
  onChange,
}: {
  tab: SearchTab;
  onChange: (tab: SearchTab) => void;
}) {
  return (
    <div
      role="tablist"
      aria-label="Search in"
      className="mx-3 mb-1 flex gap-1 rounded-lg bg-slate-100 p-1 dark:bg-slate-800"
      onKeyDown={(e) => {
        if (e.key !== 'ArrowLeft' && e.key !== 'ArrowRight') return;
        e.preventDefault();
        const next = tab === 'people' ? 'messages' : 'people';
        onChange(next);
        document.getElementById(`search-tab-${next}`)?.focus();
      }}
    >
      {TABS.map((t) => (
        <button
          key={t.id}
          id={`search-tab-${t.id}`}
          type="button"
          role="tab"
          aria-selected={tab === t.id}
          aria-controls={`search-${t.id}`}
          tabIndex={tab === t.id ? 0 : -1}
          onClick={() => onChange(t.id)}
          className={`flex-1 rounded-md px-2 py-1.5 text-sm font-medium ${
            tab === t.id
              ? 'bg-white text-slate-900 shadow-sm dark:bg-slate-950 dark:text-white'
              : 'text-slate-600 hover:text-slate-900 dark:text-slate-300 dark:hover:text-white'
          }`}
        >
          {t.label}
        </button>
      ))}
    </div>
  );
}
