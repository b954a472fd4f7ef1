import type { ConversationSettings } from './types.ts';

/** A conversation as every user keeps it until they change something. */
export const NO_SETTINGS: ConversationSettings = Object.freeze({
  mutedUntil: null,
  pinnedAt: null,
  archivedAt: null,
  markedUnread: false,
});

const sameDate = (a: Date | null, b: Date | null) =>
  (a?.getTime() ?? null) === (b?.getTime() ?? null);

/** The settings after `patch`, and whether it changed any of them. */
export function applySettings(
  current: ConversationSettings,
  patch: Partial<ConversationSettings>,
): { settings: ConversationSettings; changed: boolean } {
  const settings = { ...current, ...definedOnly(patch) };
  const changed =
    !sameDate(settings.mutedUntil, current.mutedUntil) ||
    !sameDate(settings.pinnedAt, current.pinnedAt) ||
    !sameDate(settings.archivedAt, current.archivedAt) ||
    settings.markedUnread !== current.markedUnread;
  return { settings, changed };
}

function definedOnly(patch: Partial<ConversationSettings>): Partial<ConversationSettings> {
  return Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined));
}

/** Settings read back from JSON (dates as ISO strings) with their dates restored. */
export function reviveSettings(json: ConversationSettings): ConversationSettings {
  const date = (value: Date | string | null) => (value === null ? null : new Date(value));
  return {
    mutedUntil: date(json.mutedUntil),
    pinnedAt: date(json.pinnedAt),
    archivedAt: date(json.archivedAt),
    markedUnread: json.markedUnread,
  };
}
