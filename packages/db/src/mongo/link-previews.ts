import { Schema } from 'mongoose';
import type { LinkPreviewStore } from '../store.ts';
import type { CachedLinkPreview, LinkPreview, LinkPreviewFailure } from '../types.ts';
import type { Models } from './models.ts';

/** A cached link preview; MongoDB's TTL monitor removes it once `expiresAt` has passed. */
export interface LinkPreviewDoc {
  _id: string; // the url as asked for
  preview: LinkPreview | null;
  failure: LinkPreviewFailure | null;
  expiresAt: Date;
}

export const linkPreviewSchema = new Schema<LinkPreviewDoc>(
  {
    _id: { type: String, required: true },
    preview: { type: Schema.Types.Mixed, default: null },
    failure: { type: Schema.Types.Mixed, default: null },
    expiresAt: { type: Date, required: true },
  },
  { versionKey: false, id: false },
);
// Removed by the TTL monitor (about once a minute) as soon as `expiresAt` is past.
linkPreviewSchema.index({ expiresAt: 1 }, { expireAfterSeconds: 0 });

function toEntry(doc: LinkPreviewDoc): CachedLinkPreview {
  return { url: doc._id, preview: doc.preview, failure: doc.failure, expiresAt: doc.expiresAt };
}

export function linkPreviewMethods(models: Models): LinkPreviewStore {
  const { LinkPreview } = models;

  return {
    async getLinkPreview(url, now) {
      // The TTL monitor runs only now and then: an entry past its time is not returned meanwhile.
      const doc = await LinkPreview.findOne({ _id: url, expiresAt: { $gt: now } }).lean();
      return doc ? toEntry(doc) : null;
    },

    async saveLinkPreview({ url, preview, failure, expiresAt }) {
      await LinkPreview.replaceOne({ _id: url }, { preview, failure, expiresAt }, { upsert: true });
    },
  };
}
