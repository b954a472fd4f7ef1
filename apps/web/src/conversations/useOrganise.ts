import { navigate } from '../app/navigation.ts';
import { toast } from '../app/toast.ts';
import { errorInfo } from '../lib/errors.ts';
import type { Conversation } from '../lib/protocol.ts';
import { trpc } from '../lib/trpc.ts';
import type { MenuItem } from '../ui/Menu.tsx';
import { isArchivedNow, isMutedNow, showsUnreadDot } from './organise.ts';

/** What `chat.organise` changes (one field at a time from the menu). */
export interface OrganiseChange {
  mute?: '8h' | '1w' | 'always' | null;
  pinned?: boolean;
  archived?: boolean;
  unread?: boolean;
}

/**
 * `chat.organise` for one conversation: the list follows the `conversation.settings` event
 * (here and on my other devices); a refusal (too many pinned) is a toast.
 */
export function useOrganise(conversationId: string, open: boolean) {
  const organise = trpc.chat.organise.useMutation({
    onError: (error) => toast(errorInfo(error).message),
  });
  return (change: OrganiseChange) => {
    organise.mutate({ conversationId, ...change });
    // An open conversation is being read: marked unread, it closes (opening it reads it).
    if (open && change.unread) navigate({ name: 'home' });
  };
}

/** The menu of a conversation: mute, pin, archive, mark unread (each with its way back). */
export function organiseItems(
  c: Conversation,
  actions: { change: (change: OrganiseChange) => void; readAll: () => void },
  now: Date,
): MenuItem[] {
  const { change } = actions;
  const muted = isMutedNow(c, now);
  return [
    ...(muted
      ? [{ label: 'Unmute', onSelect: () => change({ mute: null }) }]
      : [
          { label: 'Mute for 8 hours', onSelect: () => change({ mute: '8h' }) },
          { label: 'Mute for 1 week', onSelect: () => change({ mute: '1w' }) },
          { label: 'Mute always', onSelect: () => change({ mute: 'always' }) },
        ]),
    c.pinnedAt
      ? { label: 'Unpin', onSelect: () => change({ pinned: false }) }
      : { label: 'Pin to top', onSelect: () => change({ pinned: true }) },
    isArchivedNow(c, now)
      ? { label: 'Unarchive', onSelect: () => change({ archived: false }) }
      : { label: 'Archive', onSelect: () => change({ archived: true }) },
    c.unreadCount > 0
      ? { label: 'Mark as read', onSelect: actions.readAll }
      : showsUnreadDot(c)
        ? { label: 'Mark as read', onSelect: () => change({ unread: false }) }
        : { label: 'Mark as unread', onSelect: () => change({ unread: true }) },
  ];
}
