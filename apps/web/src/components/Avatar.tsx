import { initials } from '../lib/format.ts';

const PALETTE = [
  'bg-rose-500',
  'bg-orange-500',
  'bg-amber-500',
  'bg-emerald-500',
  'bg-teal-500',
  'bg-sky-500',
  'bg-indigo-500',
  'bg-fuchsia-500',
];

function colorOf(id: string): string {
  let h = 0;
  for (const ch of id) h = (h * 31 + ch.charCodeAt(0)) >>> 0;
  return PALETTE[h % PALETTE.length]!;
}

const SIZES = { sm: 'size-9 text-sm', md: 'size-11 text-base', lg: 'size-16 text-xl' } as const;

/** Initials on a colour derived from the user id, with an optional presence dot. */
export function Avatar({
  user,
  size = 'md',
  online,
}: {
  user: { id: string; displayName: string };
  size?: keyof typeof SIZES;
  online?: boolean;
}) {
  return (
    <span className="relative inline-flex shrink-0">
      <span
        className={`${SIZES[size]} ${colorOf(user.id)} inline-flex items-center justify-center rounded-full font-semibold text-white select-none`}
        aria-hidden="true"
      >
        {initials(user.displayName)}
      </span>
      {online ? (
        <span
          data-testid="online-dot"
          title="Online"
          className="absolute right-0 bottom-0 size-3 rounded-full bg-emerald-500 ring-2 ring-white dark:ring-slate-900"
        />
      ) : null}
    </span>
  );
}
