/**
 * Whether a new message makes a browser notification, and what it says. Pure: the caller
 * knows what is on screen, the conversation as my list holds it, my settings and names.
 */
import type { Conversation, Message } from '../lib/protocol.ts';
import { isMutedNow } from '../conversations/organise.ts';

/** What a notification shows; `conversationId` is where a click leads. */
export interface NotificationContent {
  title: string;
  body: string;
  /** One notification per conversation: a newer one replaces it. */
  tag: string;
  conversationId: string;
  messageId: string;
  mention: boolean;
}

export interface NotifyContext {
  me: string;
  /** The conversation as my list holds it (null: not listed yet, e.g. a new direct one). */
  conversation: Conversation | null;
  /** The page is visible, and which conversation it shows (null: none). */
  pageVisible: boolean;
  openConversationId: string | null;
  /** My privacy setting: notifications show the text of messages. */
  previews: boolean;
  senderName: string;
  now: Date;
}

export const PREVIEW_LENGTH = 140;

/** What a notification says of a message: its text (shortened), or what it carries. */
export function messagePreview(m: Pick<Message, 'text' | 'attachments'>): string {
  const text = m.text.trim().replace(/\s+/g, ' ');
  if (text) return text.length > PREVIEW_LENGTH ? `${text.slice(0, PREVIEW_LENGTH - 1)}…` : text;
  return m.attachments.length > 1 ? `📷 ${m.attachments.length} photos` : '📷 Photo';
}

/**
 * A notification for `m`, or null: not for my own messages or system lines, not for a
 * conversation I am looking at, never for a muted one (mentions included, as Web Push does).
 */
export function notificationFor(m: Message, ctx: NotifyContext): NotificationContent | null {
  if (m.senderId === ctx.me || m.kind !== 'text') return null;
  if (ctx.pageVisible && ctx.openConversationId === m.conversationId) return null;
  const c = ctx.conversation;
  if (c && isMutedNow(c, ctx.now)) return null;
  const mention = m.mentions.includes(ctx.me);
  const group = c?.kind === 'group';
  const groupTitle = c?.title ?? 'a group';
  const base = {
    tag: `conversation-${m.conversationId}`,
    conversationId: m.conversationId,
    messageId: m.id,
  };
  if (!ctx.previews) return { ...base, title: 'Parley', body: 'New message', mention: false };
  return {
    ...base,
    title: group
      ? `${ctx.senderName}${mention ? ' mentioned you' : ''} in ${groupTitle}`
      : ctx.senderName,
    body: messagePreview(m),
    mention,
  };
}
