import type { PushStore } from '../store.ts';
import type { PushSubscription } from '../types.ts';
import type { PushSubscriptionDoc } from './find-models.ts';
import type { Models } from './models.ts';

function toSubscription(doc: PushSubscriptionDoc): PushSubscription {
  return {
    endpoint: doc._id,
    userId: doc.userId,
    sessionId: doc.sessionId,
    p256dh: doc.p256dh,
    auth: doc.auth,
    createdAt: doc.createdAt,
  };
}

export function pushMethods(models: Models): PushStore {
  const { ConversationSettings, Member, PushSubscription, Session } = models;

  return {
    async savePushSubscription({ endpoint, ...fields }) {
      await PushSubscription.replaceOne({ _id: endpoint }, fields, { upsert: true });
    },

    async deletePushSubscription(endpoint, userId) {
      const filter = userId === undefined ? { _id: endpoint } : { _id: endpoint, userId };
      return (await PushSubscription.deleteOne(filter)).deletedCount > 0;
    },

    async listPushTargets({ conversationId, exceptUserId, userIds, at }) {
      const members = await Member.find(
        {
          conversationId,
          leftAt: null,
          userId: userIds ? { $in: userIds, $ne: exceptUserId } : { $ne: exceptUserId },
        },
        { userId: 1 },
      ).lean();
      const docs = await PushSubscription.find({
        userId: { $in: members.map((m) => m.userId) },
      }).lean();
      if (docs.length === 0) return [];
      // Only those of sessions still going (a signed-out device is told nothing) and of members
      // who did not mute the conversation.
      const [live, muted] = await Promise.all([
        Session.find(
          {
            _id: { $in: [...new Set(docs.map((d) => d.sessionId))] },
            revokedAt: null,
            expiresAt: { $gt: at },
          },
          { _id: 1 },
        ).lean(),
        ConversationSettings.find(
          { conversationId, userId: { $in: docs.map((d) => d.userId) }, mutedUntil: { $gt: at } },
          { userId: 1 },
        ).lean(),
      ]);
      const active = new Set(live.map((s) => s._id));
      const silent = new Set(muted.map((m) => m.userId));
      return docs
        .filter((d) => active.has(d.sessionId) && !silent.has(d.userId))
        .map(toSubscription);
    },
  };
}
