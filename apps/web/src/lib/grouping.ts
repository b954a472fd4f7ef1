import { dayKey, formatDayLabel } from './format.ts';
import type { DisplayMessage } from './timeline.ts';

/** Consecutive messages of one sender, close together in time: one avatar, one name. */
export interface MessageGroup {
  key: string;
  senderId: string;
  mine: boolean;
  messages: DisplayMessage[];
}

/** One calendar day of a conversation, under its separator. */
export interface DaySection {
  key: string;
  label: string;
  groups: MessageGroup[];
}

/** A new group starts when the sender changes or after this long a pause. */
export const GROUP_GAP_MS = 5 * 60 * 1000;

/** Splits an ordered timeline into days, and each day into runs of one sender. */
export function groupMessages(
  messages: readonly DisplayMessage[],
  me: string,
  now: Date,
  opts: { gapMs?: number; locale?: string } = {},
): DaySection[] {
  const gapMs = opts.gapMs ?? GROUP_GAP_MS;
  const days: DaySection[] = [];
  let day: DaySection | undefined;
  let group: MessageGroup | undefined;
  let previous: DisplayMessage | undefined;
  for (const message of messages) {
    const key = dayKey(message.createdAt);
    if (!day || day.key !== key) {
      day = { key, label: formatDayLabel(message.createdAt, now, opts.locale), groups: [] };
      days.push(day);
      group = undefined;
    }
    const pause = previous ? message.createdAt.getTime() - previous.createdAt.getTime() : 0;
    if (!group || group.senderId !== message.senderId || pause > gapMs) {
      group = {
        key: message.key,
        senderId: message.senderId,
        mine: message.senderId === me,
        messages: [],
      };
      day.groups.push(group);
    }
    group.messages.push(message);
    previous = message;
  }
  return days;
}
