import type { Readable } from 'node:stream';
import {
  ATTACHMENT_VARIANTS,
  attachmentBlobKey,
  AttachmentUnavailableError,
  toMessageAttachment,
  type Attachment,
  type AttachmentVariantName,
  type BlobStore,
  type ImageMime,
  type MessageAttachment,
  type Store,
  type User,
} from '@parley/db';
import { AppError } from '../errors.ts';
import {
  IMAGE_LIMITS,
  processImage,
  SNIFF_BYTES,
  sniffImageType,
  UNSUPPORTED_TYPE_MESSAGE,
} from './images.ts';
import type { RateLimits } from './rate-limits.ts';

/** An upload that no message and no avatar uses is deleted once it is this old. */
export const UNUSED_UPLOAD_TTL_MS = 24 * 3600 * 1000;

/** What an upload answers: the same shape a message carries for each attachment. */
export type UploadedAttachment = MessageAttachment;

/** A variant ready to stream to a reader allowed to see it. */
export interface AttachmentFile {
  stream: Readable;
  size: number;
  mime: ImageMime;
}

const mib = (bytes: number) => `${bytes / (1024 * 1024)} MB`;

/**
 * Reads an upload, refusing it as soon as its first bytes are not an image or its size passes the
 * limit: it stops reading there (the caller drops the rest).
 */
async function readBounded(source: AsyncIterable<Uint8Array>, maxBytes: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  let sniffed = false;
  for await (const chunk of source) {
    chunks.push(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
    size += chunk.byteLength;
    if (size > maxBytes) {
      throw new AppError('PAYLOAD_TOO_LARGE', `The file is larger than ${mib(maxBytes)}.`);
    }
    if (!sniffed && size >= SNIFF_BYTES) {
      sniffed = true;
      const head = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
      if (!sniffImageType(head))
        throw new AppError('UNSUPPORTED_MEDIA_TYPE', UNSUPPORTED_TYPE_MESSAGE);
    }
  }
  if (size === 0) throw new AppError('BAD_REQUEST', 'The file is empty.');
  return Buffer.concat(chunks, size);
}

export function createAttachmentsService(deps: {
  store: Store;
  blobs: BlobStore;
  limits: RateLimits;
  now: () => Date;
  onError: (error: unknown) => void;
}) {
  const { store, blobs, limits, now } = deps;

  async function deleteBlobs(id: string): Promise<void> {
    await Promise.all(
      ATTACHMENT_VARIANTS.map((variant) => blobs.delete(attachmentBlobKey(id, variant))),
    );
  }

  /** Whether `me` may see the attachment: its owner; anyone signed in for an avatar; the members of its conversation. */
  async function canSee(me: string, attachment: Attachment): Promise<boolean> {
    if (attachment.ownerId === me || attachment.isAvatar) return true;
    if (!attachment.conversationId) return false;
    const conversation = await store.getConversation(attachment.conversationId);
    return conversation?.memberIds.includes(me) ?? false;
  }

  /** A readable reason why `me` cannot use the attachment, after the store refused it. */
  async function unavailable(
    me: string,
    id: string,
    purpose: 'send' | 'avatar',
  ): Promise<AppError> {
    const attachment = await store.getAttachment(id);
    if (!attachment || attachment.ownerId !== me) {
      return new AppError('NOT_FOUND', 'That image does not exist: upload it first.');
    }
    if (attachment.messageId) {
      return new AppError(
        'CONFLICT',
        purpose === 'send'
          ? 'That image was already sent in a message: upload it again to send it again.'
          : 'That image was sent in a message: upload it again to use it as your picture.',
      );
    }
    if (attachment.isAvatar) {
      return new AppError(
        'CONFLICT',
        'That image is your profile picture: upload it again to send it.',
      );
    }
    return new AppError('CONFLICT', 'That image was used elsewhere at the same moment. Try again.');
  }

  return {
    /**
     * Stores an image of `me`: checks and re-encodes it (see processImage), records it, then
     * writes its variants. A failure leaves nothing behind. Unused, it is deleted after a day.
     */
    async upload(me: string, source: AsyncIterable<Uint8Array>): Promise<UploadedAttachment> {
      await limits.consume('upload', me, 'You are uploading too many images.');
      const bytes = await readBounded(source, IMAGE_LIMITS.maxBytes);
      const image = await processImage(bytes);
      const { display, thumb } = image.variants;
      const attachment = await store.createAttachment({
        ownerId: me,
        kind: 'image',
        mime: image.mime,
        size: bytes.length,
        width: image.width,
        height: image.height,
        variants: {
          display: { width: display.width, height: display.height, size: display.size },
          thumb: { width: thumb.width, height: thumb.height, size: thumb.size },
        },
        createdAt: now(),
      });
      try {
        await Promise.all(
          ATTACHMENT_VARIANTS.map((variant) =>
            blobs.put(attachmentBlobKey(attachment.id, variant), image.variants[variant].data),
          ),
        );
      } catch (error) {
        // The record goes first: a reader then finds nothing rather than a missing file.
        await store.deleteUnusedAttachment(attachment.id).catch(deps.onError);
        await deleteBlobs(attachment.id).catch(deps.onError);
        throw error;
      }
      return toMessageAttachment(attachment);
    },

    /** A variant of an attachment for `me`, or NOT_FOUND when it does not exist or is not theirs to see. */
    async open(me: string, id: string, variant: AttachmentVariantName): Promise<AttachmentFile> {
      const attachment = await store.getAttachment(id);
      if (!attachment || !(await canSee(me, attachment))) {
        throw new AppError('NOT_FOUND', 'No such file.');
      }
      const blob = await blobs.get(attachmentBlobKey(attachment.id, variant));
      if (!blob) throw new AppError('NOT_FOUND', 'No such file.');
      return { stream: blob.stream, size: blob.size, mime: attachment.mime };
    },

    /** Turns the store's refusal of an attachment to send into a readable error; rethrows anything else. */
    async explain(me: string, error: unknown): Promise<never> {
      if (error instanceof AttachmentUnavailableError)
        throw await unavailable(me, error.attachmentId, 'send');
      throw error;
    },

    /** Makes one of my uploads my avatar (null: none); the previous one is collected later. */
    async setAvatar(me: string, attachmentId: string | null): Promise<User> {
      let user: User | null;
      try {
        user = await store.setAvatar(me, attachmentId);
      } catch (error) {
        if (error instanceof AttachmentUnavailableError)
          throw await unavailable(me, error.attachmentId, 'avatar');
        throw error;
      }
      if (!user) throw new AppError('NOT_FOUND', 'Your account no longer exists.');
      return user;
    },

    /**
     * Deletes the uploads that no message and no avatar uses, created more than a day ago: the
     * record first (a concurrent send then fails cleanly), then its files. Returns how many.
     */
    async collectGarbage(opts: { batchSize?: number; maxBatches?: number } = {}): Promise<number> {
      const batchSize = opts.batchSize ?? 100;
      const createdBefore = new Date(now().getTime() - UNUSED_UPLOAD_TTL_MS);
      let deleted = 0;
      for (let batch = 0; batch < (opts.maxBatches ?? 100); batch++) {
        const unused = await store.listUnusedAttachments({ createdBefore, limit: batchSize });
        for (const attachment of unused) {
          if (!(await store.deleteUnusedAttachment(attachment.id))) continue;
          deleted += 1;
          await deleteBlobs(attachment.id).catch(deps.onError);
        }
        if (unused.length < batchSize) break;
      }
      return deleted;
    },
  };
}

export type AttachmentsService = ReturnType<typeof createAttachmentsService>;
