import { useState } from 'react';
import { initials } from '../lib/format.ts';
import { avatarUrl } from '../lib/media.ts';

/** White initials stay above 4.5:1 on every one of these. */
const PALETTE = [
  'bg-rose-600',
  'bg-orange-700',
  'bg-amber-700',
  'bg-emerald-700',
  'bg-teal-700',
  'bg-sky-700',
  'bg-indigo-600',
  'bg-fuchsia-700',
];

function colorOf(id: string): string {
  let h = 0;
  for (const ch of id) h = (h * 31 + ch.charCodeAt(0)) >>> 0;
  return PALETTE[h % PALETTE.length]!;
}

const SIZES = {
  xs: 'size-7 text-xs',
  sm: 'size-9 text-sm',
  md: 'size-11 text-base',
  lg: 'size-16 text-xl',
  xl: 'size-24 text-3xl',
} as const;

/**
 * A person's or a group's picture, or initials on a colour derived from the id (also while it
 * cannot load), with an optional presence dot. `src` overrides the picture (a preview).
 */
export function Avatar({
  user,
  size = 'md',
  online,
  src,
}: {
  user: { id: string; displayName: string; avatarId?: string | null };
  size?: keyof typeof SIZES;
  online?: boolean;
  src?: string | null;
}) {
  const url = src ?? (user.avatarId ? avatarUrl(user.avatarId) : null);
  const [broken, setBroken] = useState<string | null>(null);
  return (
    <span className="relative inline-flex shrink-0">
      {url && broken !== url ? (
        <img
          src={url}
          alt=""
          data-testid="avatar-image"
          onError={() => setBroken(url)}
          className={`${SIZES[size]} rounded-full bg-slate-200 object-cover dark:bg-slate-700`}
        />
      ) : (
        <span
          className={`${SIZES[size]} ${colorOf(user.id)} inline-flex items-center justify-center rounded-full font-semibold text-white select-none`}
          aria-hidden="true"
        >
          {initials(user.displayName)}
        </span>
      )}
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
