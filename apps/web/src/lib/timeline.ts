import type { Attachment } from './media.ts';
import type { OutboxItem } from './outbox.ts';
import type { Conversation, Message } from './protocol.ts';

/** Where one of my messages is on its way to the peer. Peer messages have no status. */
export type DeliveryStatus = 'pending' | 'failed' | 'sent' | 'delivered' | 'read';

/** A message as the conversation view shows it: stored, or still in my outbox. */
export interface DisplayMessage {
  /** Stable across the pending → sent transition: the clientMessageId for mine. */
  key: string;
  id: string | null;
  seq: number | null;
  senderId: string;
  text: string;
  attachments: Attachment[];
  createdAt: Date;
  status: DeliveryStatus | null;
  error: string | null;
}

export interface Receipts {
  peerDeliveredSeq: number;
  peerReadSeq: number;
}

/** A message of mine at `seq`: read when the peer read up to it, delivered when received. */
export function tickStatus(seq: number, receipts: Receipts): 'sent' | 'delivered' | 'read' {
  if (seq <= receipts.peerReadSeq) return 'read';
  if (seq <= receipts.peerDeliveredSeq) return 'delivered';
  return 'sent';
}

/**
 * The conversation in order: stored messages by seq (each once), then my outbox items for this
 * peer that the server has not acknowledged yet, oldest first.
 */
export function buildTimeline(opts: {
  me: string;
  messages: readonly Message[];
  outbox: readonly OutboxItem[];
  receipts: Receipts;
}): DisplayMessage[] {
  const { me, receipts } = opts;
  const byId = new Map<string, Message>();
  for (const m of opts.messages) byId.set(m.id, m);
  const stored = [...byId.values()].sort((a, b) => a.seq - b.seq);
  const acknowledged = new Set(
    stored.filter((m) => m.senderId === me).map((m) => m.clientMessageId),
  );
  const timeline: DisplayMessage[] = stored.map((m) => ({
    key: m.senderId === me ? m.clientMessageId : m.id,
    id: m.id,
    seq: m.seq,
    senderId: m.senderId,
    text: m.text,
    attachments: m.attachments ?? [],
    createdAt: m.createdAt,
    status: m.senderId === me ? tickStatus(m.seq, receipts) : null,
    error: null,
  }));
  const pending = opts.outbox
    .filter((item) => !acknowledged.has(item.clientMessageId))
    .sort((a, b) => a.createdAt - b.createdAt);
  for (const item of pending) {
    timeline.push({
      key: item.clientMessageId,
      id: null,
      seq: null,
      senderId: me,
      text: item.text,
      attachments: item.attachments,
      createdAt: new Date(item.createdAt),
      status: item.status === 'failed' ? 'failed' : 'pending',
      error: item.error,
    });
  }
  return timeline;
}

/** The total shown in the title and the app badge. */
export function unreadTotal(conversations: readonly Pick<Conversation, 'unreadCount'>[]): number {
  return conversations.reduce((sum, c) => sum + c.unreadCount, 0);
}

/** The newest message from the peer that I have not marked read yet, if any. */
export function unreadUpTo(
  messages: readonly Message[],
  me: string,
  myReadSeq: number,
): Message | null {
  let newest: Message | null = null;
  for (const m of messages) {
    if (m.senderId !== me && m.seq > myReadSeq && (!newest || m.seq > newest.seq)) newest = m;
  }
  return newest;
}
