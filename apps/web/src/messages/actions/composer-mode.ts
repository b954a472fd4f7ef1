import { createStore } from '../../lib/store.ts';
import type { ReplyPreview } from './quote.ts';

/** What the composer of a conversation is doing besides writing a new message. */
export type ComposerMode =
  | { kind: 'reply'; conversationId: string; quote: ReplyPreview }
  | { kind: 'edit'; conversationId: string; messageId: string; text: string };

/** Set from a message's menu, read by the composer of its conversation. */
export const composerMode = createStore<ComposerMode | null>(null);
