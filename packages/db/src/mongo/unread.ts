import type { ClientSession } from 'mongoose';
import type { Models } from './models.ts';

/**
 * The user's unread and mention counts in the conversation: messages from others after
 * `readSeq` (up to `toSeq`, when they left); system lines and deleted messages not counted in
 * `unread` (a deleted message mentions nobody), those hidden for the user (hidden, or withheld
 * from them) in neither. Both counts read a range of the (conversationId, seq) index.
 */
export async function unreadCounts(
  { Message }: Models,
  opts: { userId: string; conversationId: string; readSeq: number; toSeq?: number | undefined },
  session: ClientSession | null = null,
): Promise<{ unread: number; mentions: number }> {
  const seq =
    opts.toSeq === undefined ? { $gt: opts.readSeq } : { $gt: opts.readSeq, $lte: opts.toSeq };
  // One after the other: a transaction runs one operation at a time.
  const unread = await Message.countDocuments({
    conversationId: opts.conversationId,
    seq,
    senderId: { $ne: opts.userId },
    kind: 'text',
    // Null or absent (messages stored before deletions existed).
    deletedAt: null,
    hiddenFor: { $nin: [opts.userId] },
  }).session(session);
  const mentions = await Message.countDocuments({
    conversationId: opts.conversationId,
    seq,
    mentions: opts.userId,
    hiddenFor: { $nin: [opts.userId] },
  }).session(session);
  return { unread, mentions };
}
