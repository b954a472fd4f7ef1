import { photoLabel } from './media.ts';
import type { ChatEvent, Conversation, Message, PublicUser } from './protocol.ts';

/** Newest activity first; conversations without messages last. */
export function sortConversations(list: Conversation[]): Conversation[] {
  const at = (c: Conversation) => (c.lastMessageAt ? new Date(c.lastMessageAt).getTime() : 0);
  return [...list].sort((a, b) => at(b) - at(a));
}

export interface ApplyContext {
  me: string;
  /** The peer whose conversation is on screen, with the window visible: it is read at once. */
  readingPeerId: string | null;
}

export interface ApplyResult {
  list: Conversation[];
  /** The event concerns something the list does not hold (a new conversation): fetch it again. */
  refetch: boolean;
}

function patch(list: Conversation[], id: string, fn: (c: Conversation) => Conversation) {
  return list.map((c) => (c.id === id ? fn(c) : c));
}

/**
 * Applies one live event to the cached conversation list, so badges, previews, order and ticks
 * move without a round trip. Counts it cannot know exactly ask for a refetch instead of guessing.
 */
export function applyEventToConversations(
  list: Conversation[],
  event: ChatEvent,
  ctx: ApplyContext,
): ApplyResult {
  switch (event.type) {
    case 'message.new': {
      const m = event.message;
      const conv = list.find((c) => c.id === m.conversationId);
      if (!conv) return { list, refetch: true };
      if (conv.lastMessage && conv.lastMessage.seq >= m.seq) return { list, refetch: false };
      const fromPeer = m.senderId !== ctx.me;
      const readNow = fromPeer && ctx.readingPeerId === m.senderId;
      const next = patch(list, conv.id, (c) => ({
        ...c,
        lastMessage: m,
        lastMessageAt: m.createdAt,
        unreadCount: fromPeer && !readNow ? c.unreadCount + 1 : c.unreadCount,
        // A message I sent from another device means I have seen everything before it.
        ...(fromPeer ? {} : { unreadCount: 0, myReadSeq: Math.max(c.myReadSeq, m.seq) }),
      }));
      return { list: sortConversations(next), refetch: false };
    }
    case 'message.delivered': {
      const conv = list.find((c) => c.id === event.conversationId);
      if (!conv) return { list, refetch: true };
      if (event.userId === ctx.me) return { list, refetch: false };
      return {
        list: patch(list, conv.id, (c) => ({
          ...c,
          peerDeliveredSeq: Math.max(c.peerDeliveredSeq, event.upToSeq),
        })),
        refetch: false,
      };
    }
    case 'message.read': {
      const conv = list.find((c) => c.id === event.conversationId);
      if (!conv) return { list, refetch: true };
      if (event.userId !== ctx.me) {
        return {
          list: patch(list, conv.id, (c) => ({
            ...c,
            peerReadSeq: Math.max(c.peerReadSeq, event.upToSeq),
            peerDeliveredSeq: Math.max(c.peerDeliveredSeq, event.upToSeq),
          })),
          refetch: false,
        };
      }
      // I read (here or on another device): the badge clears if it covers the last message.
      const all = !conv.lastMessage || event.upToSeq >= conv.lastMessage.seq;
      return {
        list: patch(list, conv.id, (c) => ({
          ...c,
          myReadSeq: Math.max(c.myReadSeq, event.upToSeq),
          unreadCount: all ? 0 : c.unreadCount,
        })),
        refetch: !all,
      };
    }
    case 'presence':
      return {
        list: list.map((c) =>
          c.peer.id === event.userId
            ? {
                ...c,
                peer: {
                  ...c.peer,
                  online: event.online,
                  lastSeenAt: event.lastSeenAt ?? c.peer.lastSeenAt,
                },
              }
            : c,
        ),
        refetch: false,
      };
    case 'presence.snapshot': {
      const online = new Set(event.online);
      return {
        list: list.map((c) =>
          c.peer.online === online.has(c.peer.id)
            ? c
            : { ...c, peer: { ...c.peer, online: online.has(c.peer.id) } },
        ),
        refetch: false,
      };
    }
    default:
      return { list, refetch: false };
  }
}

/** Marks the conversation with `peerId` read up to `seq` (optimistic, before the server echoes). */
export function markConversationRead(list: Conversation[], peerId: string, seq: number) {
  return list.map((c) =>
    c.peer.id === peerId && c.lastMessage && seq >= c.lastMessage.seq
      ? { ...c, unreadCount: 0, myReadSeq: Math.max(c.myReadSeq, seq) }
      : c,
  );
}

/** Presence as last heard: live events override whatever a query returned earlier. */
export type PresenceMap = Readonly<Record<string, { online: boolean; lastSeenAt: Date | null }>>;

export function applyPresence(state: PresenceMap, event: ChatEvent): PresenceMap {
  if (event.type === 'presence') {
    const prev = state[event.userId];
    return {
      ...state,
      [event.userId]: {
        online: event.online,
        lastSeenAt: event.lastSeenAt ?? prev?.lastSeenAt ?? null,
      },
    };
  }
  if (event.type === 'presence.snapshot') {
    const online = new Set(event.online);
    const next: Record<string, { online: boolean; lastSeenAt: Date | null }> = {};
    for (const [id, p] of Object.entries(state)) next[id] = { ...p, online: online.has(id) };
    for (const id of online) next[id] = { online: true, lastSeenAt: state[id]?.lastSeenAt ?? null };
    return next;
  }
  return state;
}

export function withPresence<T extends Pick<PublicUser, 'id' | 'online' | 'lastSeenAt'>>(
  user: T,
  presence: PresenceMap,
): T {
  const live = presence[user.id];
  if (!live) return user;
  return { ...user, online: live.online, lastSeenAt: live.lastSeenAt ?? user.lastSeenAt };
}

/** The message a conversation's preview shows. */
export function previewOf(message: Message | null, me: string): string {
  if (!message) return 'No messages yet';
  const count = message.attachments?.length ?? 0;
  const text =
    message.text.replace(/\s+/g, ' ').trim() || (count ? `📷 ${photoLabel(count)}` : 'Attachment');
  return message.senderId === me ? `You: ${text}` : text;
}
