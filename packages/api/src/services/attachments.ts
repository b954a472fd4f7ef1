import type { Readable } from 'node:stream';
import {
  ATTACHMENT_BLOBS,
  attachmentBlobKey,
  AttachmentUnavailableError,
  blobsOf,
  toMessageAttachment,
  type Attachment,
  type AttachmentBlobName,
  type BlobStore,
  type MessageAttachment,
  type NewAttachment,
  type Store,
  type User,
} from '@parley/db';
import { AppError } from '../errors.ts';
import { FILE_UPLOAD_DEFAULTS } from '../protocol.ts';
import { createFairQueue } from './image-queue.ts';
import {
  IMAGE_LIMITS,
  processImage,
  type ProcessedImage,
  SNIFF_BYTES,
  sniffImageType,
  UNSUPPORTED_TYPE_MESSAGE,
} from './images.ts';
import type { RateLimits } from './rate-limits.ts';
import { safeFileName, servedFileType } from './file-types.ts';
import { readVoiceNote, VoiceFormatError } from './voice/index.ts';

/** An upload that no message and no avatar uses is deleted once it is this old. */
export const UNUSED_UPLOAD_TTL_MS = 24 * 3600 * 1000;

/** What an upload answers: the same shape a message carries for each attachment. */
export type UploadedAttachment = MessageAttachment;

/** A variant ready to stream to a reader allowed to see it, with what says how to serve it. */
export interface AttachmentFile {
  stream: Readable;
  size: number;
  attachment: Attachment;
}

/** How large files and how long voice notes may be (FILE_MAX_BYTES, VOICE_MAX_SECONDS). */
export interface FileLimits {
  /** Bytes of one file or voice note. */
  fileMaxBytes: number;
  /** Seconds of one voice note. */
  voiceMaxSeconds: number;
}

export const DEFAULT_FILE_LIMITS: FileLimits = {
  fileMaxBytes: FILE_UPLOAD_DEFAULTS.maxBytes,
  voiceMaxSeconds: FILE_UPLOAD_DEFAULTS.voiceMaxSeconds,
};

/** "10 MB", "25 MB", "1.5 MB". */
export const megabytes = (bytes: number) => `${Number((bytes / (1024 * 1024)).toFixed(1))} MB`;

/** "5 minutes", "90 seconds". */
const minutes = (seconds: number) =>
  seconds % 60 === 0 ? `${seconds / 60} minute${seconds === 60 ? '' : 's'}` : `${seconds} seconds`;

/**
 * Reads an upload, refusing it as soon as its size passes the limit or its first bytes fail
 * `checkHead` (when given): it stops reading there (the caller drops the rest).
 */
async function readBounded(
  source: AsyncIterable<Uint8Array>,
  maxBytes: number,
  checkHead?: (head: Buffer) => void,
): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  let sniffed = !checkHead;
  for await (const chunk of source) {
    chunks.push(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
    size += chunk.byteLength;
    if (size > maxBytes) {
      throw new AppError('PAYLOAD_TOO_LARGE', `The file is larger than ${megabytes(maxBytes)}.`);
    }
    if (!sniffed && size >= SNIFF_BYTES) {
      sniffed = true;
      checkHead?.(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks));
    }
  }
  if (size === 0) throw new AppError('BAD_REQUEST', 'The file is empty.');
  return Buffer.concat(chunks, size);
}

function requireImage(head: Buffer): void {
  if (!sniffImageType(head)) throw new AppError('UNSUPPORTED_MEDIA_TYPE', UNSUPPORTED_TYPE_MESSAGE);
}

const NOUNS: Record<Attachment['kind'], string> = {
  image: 'image',
  file: 'file',
  voice: 'voice message',
};

/** The bytes of the start of a file that decide its served type. */
const TYPE_HEAD_BYTES = 1024;

export function createAttachmentsService(deps: {
  store: Store;
  blobs: BlobStore;
  limits: RateLimits;
  fileLimits?: FileLimits;
  now: () => Date;
  onError: (error: unknown) => void;
}) {
  const { store, blobs, limits, now } = deps;
  const fileLimits = deps.fileLimits ?? DEFAULT_FILE_LIMITS;
  const pipeline = createFairQueue(IMAGE_LIMITS.queue);

  async function deleteBlobs(id: string): Promise<void> {
    await Promise.all(
      ATTACHMENT_BLOBS.map((variant) => blobs.delete(attachmentBlobKey(id, variant))),
    );
  }

  /**
   * Records an attachment of `me`, then writes its blobs; a failure leaves nothing behind.
   * Unused, it is deleted after a day.
   */
  async function keep(
    fields: NewAttachment,
    data: Partial<Record<AttachmentBlobName, Buffer>>,
  ): Promise<UploadedAttachment> {
    const attachment = await store.createAttachment(fields);
    try {
      await Promise.all(
        blobsOf(attachment.kind).map((name) =>
          blobs.put(attachmentBlobKey(attachment.id, name), data[name]!),
        ),
      );
    } catch (error) {
      // The record goes first: a reader then finds nothing rather than a missing file.
      await store.deleteUnusedAttachment(attachment.id).catch(deps.onError);
      await deleteBlobs(attachment.id).catch(deps.onError);
      throw error;
    }
    return toMessageAttachment(attachment);
  }

  /**
   * Whether `me` may see the attachment: its owner; anyone signed in for a profile or group
   * picture; whoever may see the message it was sent with.
   */
  async function canSee(me: string, attachment: Attachment): Promise<boolean> {
    if (attachment.ownerId === me || attachment.isAvatar || attachment.groupAvatarOf) return true;
    if (!attachment.conversationId || !attachment.messageId) return false;
    const message = await store.getMessage(attachment.messageId);
    return message !== null && store.canSeeMessage(me, attachment.conversationId, message.seq);
  }

  /** Deletes the files no attachment uses any more (forwarded copies share their original's). */
  async function releaseFiles(blobIds: string[]): Promise<void> {
    for (const blobId of new Set(blobIds)) {
      if (await store.blobInUse(blobId)) continue;
      await deleteBlobs(blobId).catch(deps.onError);
    }
  }

  /** A readable reason why `me` cannot use the attachment, after the store refused it. */
  async function unavailable(
    me: string,
    id: string,
    purpose: 'send' | 'avatar' | 'group',
  ): Promise<AppError> {
    const attachment = await store.getAttachment(id);
    if (!attachment || attachment.ownerId !== me) {
      return new AppError('NOT_FOUND', 'That attachment does not exist: upload it first.');
    }
    if (purpose !== 'send' && attachment.kind !== 'image') {
      return new AppError('BAD_REQUEST', 'Only an image can be used as a picture.');
    }
    const noun = NOUNS[attachment.kind];
    if (attachment.messageId) {
      return new AppError(
        'CONFLICT',
        purpose === 'send'
          ? `That ${noun} was already sent in a message: upload it again to send it again.`
          : 'That image was sent in a message: upload it again to use it as a picture.',
      );
    }
    if (attachment.isAvatar || attachment.groupAvatarOf) {
      return new AppError(
        'CONFLICT',
        attachment.isAvatar
          ? 'That image is your profile picture: upload it again to use it here.'
          : 'That image is a group picture: upload it again to use it here.',
      );
    }
    return new AppError(
      'CONFLICT',
      `That ${noun} was used elsewhere at the same moment. Try again.`,
    );
  }

  return {
    releaseFiles,

    /** Checks and re-encodes an image of `owner` as uploads are (see processImage), in its turn. */
    async reencode(owner: string, bytes: Buffer): Promise<ProcessedImage> {
      pipeline.admit(owner);
      return pipeline.run(owner, () => processImage(bytes));
    },

    /**
     * Stores an image of `me`: checks and re-encodes it (see processImage) in its turn, records
     * it, then writes its variants. A failure leaves nothing behind. Unused, it is deleted after
     * a day. When the processing queue is full it is refused before its bytes are read.
     */
    async upload(me: string, source: AsyncIterable<Uint8Array>): Promise<UploadedAttachment> {
      await limits.consume('upload', me, 'You are uploading too many images.');
      pipeline.admit(me);
      const bytes = await readBounded(source, IMAGE_LIMITS.maxBytes, requireImage);
      const image = await pipeline.run(me, () => processImage(bytes));
      const { display, thumb } = image.variants;
      return keep(
        {
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
        },
        { display: display.data, thumb: thumb.data },
      );
    },

    /** The configured limits of files and voice notes. */
    fileLimits,

    /**
     * Stores any file of `me` as it is, under its name made safe, with the type it will be
     * served with (see servedFileType): only ever a download.
     */
    async uploadFile(
      me: string,
      source: AsyncIterable<Uint8Array>,
      filename: string,
    ): Promise<UploadedAttachment> {
      await limits.consume('upload', me, 'You are uploading too many files.');
      const bytes = await readBounded(source, fileLimits.fileMaxBytes);
      const name = safeFileName(filename);
      return keep(
        {
          ownerId: me,
          kind: 'file',
          mime: servedFileType(name, bytes.subarray(0, TYPE_HEAD_BYTES)),
          name,
          size: bytes.length,
          createdAt: now(),
        },
        { original: bytes },
      );
    },

    /**
     * Stores a voice note of `me`: Opus in WebM or Ogg, told by its bytes, read to its end for
     * its duration (at most VOICE_MAX_SECONDS).
     */
    async uploadVoice(me: string, source: AsyncIterable<Uint8Array>): Promise<UploadedAttachment> {
      await limits.consume('upload', me, 'You are uploading too many files.');
      const bytes = await readBounded(source, fileLimits.fileMaxBytes);
      let voice: ReturnType<typeof readVoiceNote>;
      try {
        voice = readVoiceNote(bytes);
      } catch (error) {
        if (!(error instanceof VoiceFormatError)) throw error;
        throw new AppError(
          error.unsupported ? 'UNSUPPORTED_MEDIA_TYPE' : 'BAD_REQUEST',
          error.message,
        );
      }
      if (voice.durationMs <= 0) {
        throw new AppError('BAD_REQUEST', 'The voice message has no sound in it.');
      }
      if (voice.durationMs > fileLimits.voiceMaxSeconds * 1000) {
        throw new AppError(
          'PAYLOAD_TOO_LARGE',
          `A voice message can be at most ${minutes(fileLimits.voiceMaxSeconds)} long.`,
        );
      }
      return keep(
        {
          ownerId: me,
          kind: 'voice',
          mime: voice.mime,
          durationMs: voice.durationMs,
          size: bytes.length,
          createdAt: now(),
        },
        { original: bytes },
      );
    },

    /**
     * A variant of an attachment for `me` (`original` of a file or voice note, `display` or
     * `thumb` of an image), or NOT_FOUND when it does not exist or is not theirs to see.
     */
    async open(me: string, id: string, variant: AttachmentBlobName): Promise<AttachmentFile> {
      const attachment = await store.getAttachment(id);
      if (
        !attachment ||
        !blobsOf(attachment.kind).includes(variant) ||
        !(await canSee(me, attachment))
      ) {
        throw new AppError('NOT_FOUND', 'No such file.');
      }
      const blob = await blobs.get(attachmentBlobKey(attachment.blobId, variant));
      if (!blob) throw new AppError('NOT_FOUND', 'No such file.');
      return { stream: blob.stream, size: blob.size, attachment };
    },

    /** Turns the store's refusal of an attachment into a readable error; rethrows anything else. */
    async explain(me: string, error: unknown, purpose: 'send' | 'group' = 'send'): Promise<never> {
      if (error instanceof AttachmentUnavailableError)
        throw await unavailable(me, error.attachmentId, purpose);
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
          await releaseFiles([attachment.blobId]);
        }
        if (unused.length < batchSize) break;
      }
      return deleted;
    },
  };
}

export type AttachmentsService = ReturnType<typeof createAttachmentsService>;
