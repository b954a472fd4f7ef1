import { Schema } from 'mongoose';

/** How one user keeps one conversation (a document only once they changed something). */
export interface ConversationSettingsDoc {
  userId: string;
  conversationId: string;
  mutedUntil: Date | null;
  pinnedAt: Date | null;
  archivedAt: Date | null;
  markedUnread: boolean;
}

/** A device's Web Push subscription, made by (and ending with) a session. */
export interface PushSubscriptionDoc {
  _id: string; // the endpoint
  userId: string;
  sessionId: string;
  p256dh: string;
  auth: string;
  createdAt: Date;
}

const options = { versionKey: false, id: false } as const;

export const conversationSettingsSchema = new Schema<ConversationSettingsDoc>(
  {
    userId: { type: String, required: true },
    conversationId: { type: String, required: true },
    mutedUntil: { type: Date, default: null },
    pinnedAt: { type: Date, default: null },
    archivedAt: { type: Date, default: null },
    markedUnread: { type: Boolean, required: true, default: false },
  },
  options,
);
conversationSettingsSchema.index({ userId: 1, conversationId: 1 }, { unique: true });
// Who muted a conversation (push), and a user's pinned conversations (the list, the pin limit).
conversationSettingsSchema.index(
  { conversationId: 1, mutedUntil: 1 },
  { partialFilterExpression: { mutedUntil: { $type: 'date' } } },
);
conversationSettingsSchema.index(
  { userId: 1, pinnedAt: 1 },
  { partialFilterExpression: { pinnedAt: { $type: 'date' } } },
);

export const pushSubscriptionSchema = new Schema<PushSubscriptionDoc>(
  {
    _id: { type: String, required: true },
    userId: { type: String, required: true, index: true },
    sessionId: { type: String, required: true },
    p256dh: { type: String, required: true },
    auth: { type: String, required: true },
    createdAt: { type: Date, required: true },
  },
  options,
);
