/** Date and time wording. Every function takes `now` so tests can pin it. */

const DAY_MS = 24 * 60 * 60 * 1000;

function startOfDay(d: Date): number {
  return new Date(d.getFullYear(), d.getMonth(), d.getDate()).getTime();
}

/** Whole calendar days between two dates in local time (0 = same day, 1 = yesterday). */
export function daysBetween(earlier: Date, later: Date): number {
  return Math.round((startOfDay(later) - startOfDay(earlier)) / DAY_MS);
}

/** A stable key for the local calendar day of a date. */
export function dayKey(d: Date): string {
  return `${d.getFullYear()}-${d.getMonth() + 1}-${d.getDate()}`;
}

export function formatTime(d: Date, locale?: string): string {
  return d.toLocaleTimeString(locale, { hour: 'numeric', minute: '2-digit' });
}

/** The label of a day separator in a conversation: Today, Yesterday, Monday, March 3, 2025. */
export function formatDayLabel(d: Date, now: Date, locale?: string): string {
  const days = daysBetween(d, now);
  if (days <= 0) return 'Today';
  if (days === 1) return 'Yesterday';
  if (days < 7) return d.toLocaleDateString(locale, { weekday: 'long' });
  const sameYear = d.getFullYear() === now.getFullYear();
  return d.toLocaleDateString(locale, {
    month: 'long',
    day: 'numeric',
    ...(sameYear ? {} : { year: 'numeric' }),
  });
}

/** The compact time in the sidebar: 14:05, Yesterday, Mon, 3/14/25. */
export function formatListTime(d: Date, now: Date, locale?: string): string {
  const days = daysBetween(d, now);
  if (days <= 0) return formatTime(d, locale);
  if (days === 1) return 'Yesterday';
  if (days < 7) return d.toLocaleDateString(locale, { weekday: 'short' });
  return d.toLocaleDateString(locale, { day: 'numeric', month: 'short', year: '2-digit' });
}

/** A peer's status line when they are offline. */
export function formatLastSeen(lastSeenAt: Date | null, now: Date, locale?: string): string {
  if (!lastSeenAt) return 'offline';
  const ms = now.getTime() - lastSeenAt.getTime();
  if (ms < 60_000) return 'last seen just now';
  if (ms < 60 * 60_000) return `last seen ${Math.floor(ms / 60_000)} min ago`;
  const days = daysBetween(lastSeenAt, now);
  if (days <= 0) return `last seen today at ${formatTime(lastSeenAt, locale)}`;
  if (days === 1) return `last seen yesterday at ${formatTime(lastSeenAt, locale)}`;
  return `last seen ${lastSeenAt.toLocaleDateString(locale, { day: 'numeric', month: 'short' })}`;
}

/** Up to two initials from a display name. */
export function initials(name: string): string {
  const words = name.trim().split(/\s+/).filter(Boolean);
  const letters = words.length > 1 ? [words[0], words[words.length - 1]] : [words[0] ?? '?'];
  return letters
    .map((w) => Array.from(w ?? '')[0] ?? '')
    .join('')
    .toUpperCase();
}
