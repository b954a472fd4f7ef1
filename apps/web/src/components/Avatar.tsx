import { useState } from 'react';
import { initials } from '../lib/format.ts';
import { avatarUrl } from '../lib/media.ts';

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

const SIZES = {
  sm: 'size-9 text-sm',
  md: 'size-11 text-base',
  lg: 'size-16 text-xl',
  xl: 'size-24 text-3xl',
} as const;

/**
 * The user's picture, or their initials on a colour derived from their id (also while it
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
