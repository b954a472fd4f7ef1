import type { ConversationSettings } from '@parley/db';

/** `mutedUntil` of a conversation muted "always" (until unmuted). */
export const MUTED_FOREVER = new Date('9999-12-31T23:59:59.999Z');

/** How long `chat.organise({ mute })` silences a conversation. */
export const MUTE_DURATIONS_MS = { '8h': 8 * 3600_000, '1w': 7 * 24 * 3600_000 } as const;

export function isMuted(settings: Pick<ConversationSettings, 'mutedUntil'>, now: Date): boolean {
  return settings.mutedUntil !== null && settings.mutedUntil > now;
}

/**
 * Whether a conversation shows as archived: archived, and no message newer than that arrived
 * (`lastMessageAt`: the newest message I may see) — or it is muted, which keeps it archived.
 */
export function isArchived(
  settings: Pick<ConversationSettings, 'archivedAt' | 'mutedUntil'>,
  lastMessageAt: Date | null,
  now: Date,
): boolean {
  if (settings.archivedAt === null) return false;
  return lastMessageAt === null || lastMessageAt <= settings.archivedAt || isMuted(settings, now);
}
