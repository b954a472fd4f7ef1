import { describeSystem } from '../groups/system-text.ts';
import { attachmentSummary, plainText } from '@parley/api/protocol';
import type { Conversation, Message } from '../lib/protocol.ts';
import type { OutboxItem } from '../messages/outbox.ts';

/** A message's words for a one-line preview: its text without markup, or what it carries. */
export function messageSummary(
  message: Pick<Message, 'text' | 'attachments'> & { deletedAt?: Date | null },
): string {
  if (message.deletedAt) return 'This message was deleted';
  return plainText(message.text) || attachmentSummary(message.attachments ?? []);
}

/** How a conversation is named and pictured: the group, or the other person. */
export function conversationFace(c: Conversation) {
  if (c.kind === 'group' || !c.peer)
    return { id: c.id, displayName: c.title ?? 'Group', avatarId: c.avatarId };
  return c.peer;
}

export interface Preview {
  /** Shown before the text, emphasised: "Draft". */
  label: string | null;
  text: string;
}

/**
 * The line under a conversation's name: my unsent draft, else my newest message still in the
 * outbox, else the newest message ("You: …", "Alice: …" in groups, or a system line).
 */
export function previewOf(
  c: Pick<Conversation, 'kind' | 'lastMessage' | 'lastSender'>,
  ctx: {
    me: string;
    nameOf: (userId: string) => string;
    draft?: string | null;
    pending?: Pick<OutboxItem, 'text' | 'attachments' | 'createdAt'> | null;
  },
): Preview {
  const draft = ctx.draft?.replace(/\s+/g, ' ').trim();
  if (draft) return { label: 'Draft', text: draft };
  const m = c.lastMessage;
  const pending = ctx.pending;
  if (pending && (!m || pending.createdAt > new Date(m.createdAt).getTime()))
    return { label: null, text: `You: ${messageSummary(pending)}` };
  if (!m) return { label: null, text: 'No messages yet' };
  if (m.system) return { label: null, text: describeSystem(m.system, ctx.nameOf, ctx.me) };
  const text = messageSummary(m);
  if (m.senderId === ctx.me) return { label: null, text: `You: ${text}` };
  if (c.kind === 'direct') return { label: null, text };
  const name = c.lastSender?.id === m.senderId ? c.lastSender.displayName : ctx.nameOf(m.senderId);
  return { label: null, text: `${name}: ${text}` };
}
