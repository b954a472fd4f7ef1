import { dayKey, formatDayLabel } from '../lib/format.ts';
import type { DisplayMessage } from './timeline.ts';

/** Consecutive messages of one sender, close together in time: one avatar, one name. */
export interface MessageGroup {
  type: 'group';
  key: string;
  senderId: string;
  mine: boolean;
  messages: DisplayMessage[];
}

/** A system line ("Alice added Bob"), between groups. */
export interface SystemItem {
  type: 'system';
  key: string;
  message: DisplayMessage;
}

/** Where unread messages start ("3 unread messages"). */
export interface UnreadMarker {
  type: 'unread';
  key: 'unread';
}

export type TimelineItem = MessageGroup | SystemItem | UnreadMarker;

/** One calendar day of a conversation, under its separator. */
export interface DaySection {
  key: string;
  label: string;
  items: TimelineItem[];
}

/** A new group starts when the sender changes or after this long a pause. */
export const GROUP_GAP_MS = 5 * 60 * 1000;

/**
 * Splits an ordered timeline into days, and each day into runs of one sender, with system
 * lines on their own and the unread marker before `unreadKey`'s message.
 */
export function groupMessages(
  messages: readonly DisplayMessage[],
  me: string,
  now: Date,
  opts: { gapMs?: number; locale?: string; unreadKey?: string | null } = {},
): DaySection[] {
  const gapMs = opts.gapMs ?? GROUP_GAP_MS;
  const days: DaySection[] = [];
  let day: DaySection | undefined;
  let group: MessageGroup | undefined;
  let previous: DisplayMessage | undefined;
  for (const message of messages) {
    const key = dayKey(message.createdAt);
    if (!day || day.key !== key) {
      day = { key, label: formatDayLabel(message.createdAt, now, opts.locale), items: [] };
      days.push(day);
      group = undefined;
    }
    if (message.key === opts.unreadKey) {
      day.items.push({ type: 'unread', key: 'unread' });
      group = undefined;
    }
    if (message.kind === 'system') {
      day.items.push({ type: 'system', key: message.key, message });
      group = undefined;
      previous = message;
      continue;
    }
    const pause = previous ? message.createdAt.getTime() - previous.createdAt.getTime() : 0;
    if (!group || group.senderId !== message.senderId || pause > gapMs) {
      group = {
        type: 'group',
        key: message.key,
        senderId: message.senderId,
        mine: message.senderId === me,
        messages: [],
      };
      day.items.push(group);
    }
    group.messages.push(message);
    previous = message;
  }
  return days;
}
