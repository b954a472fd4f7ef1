import { othersReached } from '@parley/api/protocol';
import type { Attachment } from '../lib/media.ts';
import type { Message, ReceiptMarks, SystemEvent } from '../lib/protocol.ts';
import type { ReplyPreview } from './actions/quote.ts';
import type { Reaction } from './actions/reactions.ts';
import type { OutboxItem } from './outbox.ts';

/** Where one of my messages is on its way to the others. Theirs have no status. */
export type DeliveryStatus = 'pending' | 'failed' | 'sent' | 'delivered' | 'read';

/** A message as the conversation shows it: stored, or still in my outbox. */
export interface DisplayMessage {
  /** Stable across the pending → sent transition: the clientMessageId for mine. */
  key: string;
  id: string | null;
  seq: number | null;
  senderId: string;
  kind: 'text' | 'system';
  text: string;
  system: SystemEvent | null;
  /** Members named with @username (ids). */
  mentions: string[];
  attachments: Attachment[];
  createdAt: Date;
  status: DeliveryStatus | null;
  error: string | null;
  /** The message it answers, as it is now. */
  replyTo: ReplyPreview | null;
  edited: boolean;
  /** Deleted for everyone: a tombstone. */
  deleted: boolean;
  forwarded: boolean;
  reactions: Reaction[];
  pinned: boolean;
}

/**
 * A message of mine at `seq`: read once every other member read up to it, delivered once
 * every other member's client had it (in a direct conversation, "every other" is the peer).
 */
export function tickStatus(
  seq: number,
  receipts: ReceiptMarks | null,
  me: string,
): 'sent' | 'delivered' | 'read' {
  if (!receipts) return 'sent';
  if (othersReached(receipts.read, me) >= seq) return 'read';
  if (othersReached(receipts.delivered, me) >= seq) return 'delivered';
  return 'sent';
}

function fromMessage(m: Message, me: string, receipts: ReceiptMarks | null): DisplayMessage {
  const mine = m.senderId === me && m.kind === 'text';
  return {
    key: mine ? m.clientMessageId : m.id,
    id: m.id,
    seq: m.seq,
    senderId: m.senderId,
    kind: m.kind,
    text: m.text,
    system: m.system,
    mentions: m.mentions,
    attachments: m.attachments ?? [],
    createdAt: m.createdAt,
    status: mine ? tickStatus(m.seq, receipts, me) : null,
    error: null,
    replyTo: m.replyTo,
    edited: m.editedAt !== null,
    deleted: m.deletedAt !== null,
    forwarded: m.forwarded,
    reactions: m.reactions,
    pinned: m.pinnedAt !== null,
  };
}

function fromOutbox(item: OutboxItem, me: string): DisplayMessage {
  return {
    key: item.clientMessageId,
    id: item.acked?.id ?? null,
    seq: item.acked?.seq ?? null,
    senderId: me,
    kind: 'text',
    text: item.text,
    system: null,
    mentions: [],
    attachments: item.attachments,
    createdAt: new Date(item.createdAt),
    status: item.status === 'failed' ? 'failed' : item.status === 'acked' ? 'sent' : 'pending',
    error: item.error,
    replyTo: item.replyTo ?? null,
    edited: false,
    deleted: false,
    forwarded: false,
    reactions: [],
    pinned: false,
  };
}

/**
 * The conversation in order: stored messages by seq (each once), then my outbox items for it
 * that are not stored messages yet, oldest first.
 */
export function buildTimeline(opts: {
  me: string;
  messages: readonly Message[];
  outbox: readonly OutboxItem[];
  receipts: ReceiptMarks | null;
}): DisplayMessage[] {
  const { me, receipts } = opts;
  const byId = new Map<string, Message>();
  for (const m of opts.messages) byId.set(m.id, m);
  const stored = [...byId.values()].sort((a, b) => a.seq - b.seq);
  const present = new Set(stored.filter((m) => m.senderId === me).map((m) => m.clientMessageId));
  const timeline = stored.map((m) => fromMessage(m, me, receipts));
  const pending = opts.outbox
    .filter((item) => !present.has(item.clientMessageId))
    .sort((a, b) => a.createdAt - b.createdAt);
  for (const item of pending) timeline.push(fromOutbox(item, me));
  return timeline;
}

/** The first message from someone else after my read position: where unread messages start. */
export function firstUnread(
  messages: readonly DisplayMessage[],
  me: string,
  readSeq: number,
): DisplayMessage | null {
  return (
    messages.find(
      (m) => m.seq !== null && m.seq > readSeq && m.senderId !== me && m.kind === 'text',
    ) ?? null
  );
}
