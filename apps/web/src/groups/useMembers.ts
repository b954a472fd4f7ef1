import { useChat } from '../app/session-context.ts';
import type { Conversation } from '../lib/protocol.ts';
import { useStore } from '../lib/store.ts';
import { trpc } from '../lib/trpc.ts';
import { presenceOf } from '../realtime/presence.ts';

/** How many members the member list asks for (the first page; owner and admins first). */
export const MEMBERS_LIMIT = 200;

/**
 * A group's current members (for current members only) and how many of the others are online
 * now, kept live by presence events; null while unknown (offline, or not a member any more).
 */
export function useMembers(conversation: Conversation | null) {
  const { engine } = useChat();
  const isMember = !!conversation && conversation.kind === 'group' && conversation.myRole !== null;
  const query = trpc.groups.members.useQuery(
    { conversationId: conversation?.id ?? '', limit: MEMBERS_LIMIT },
    { enabled: isMember },
  );
  const presence = useStore(engine.presence);
  const connected = useStore(engine.connection) === 'online';
  const members = isMember ? (query.data?.items ?? []) : [];
  let online: number | null = null;
  if (isMember && connected && query.data) {
    online = query.data.nextCursor
      ? Math.max(0, query.data.onlineCount - 1)
      : members.filter(
          (m) => m.user.id !== engine.me && presenceOf(m.user, presence, true).state === 'online',
        ).length;
  }
  return { query, members, online };
}
