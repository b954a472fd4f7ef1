import type {
  Attachment,
  AttachmentBlobName,
  AttachmentVariantName,
  MessageAttachment,
} from './types.ts';

/** Where the server serves a variant of an attachment (part of the public HTTP contract). */
export const FILES_PATH = '/api/files';

export const ATTACHMENT_VARIANTS: readonly AttachmentVariantName[] = ['display', 'thumb'];

/** Every blob an attachment may have, whatever its kind (all are deleted with it). */
export const ATTACHMENT_BLOBS: readonly AttachmentBlobName[] = [...ATTACHMENT_VARIANTS, 'original'];

/** The blobs of an attachment of this kind. */
export function blobsOf(kind: Attachment['kind']): readonly AttachmentBlobName[] {
  return kind === 'image' ? ATTACHMENT_VARIANTS : ['original'];
}

export function attachmentUrl(id: string, variant: AttachmentBlobName): string {
  return `${FILES_PATH}/${encodeURIComponent(id)}/${variant}`;
}

/** The blob that holds a variant of an attachment. */
export function attachmentBlobKey(id: string, variant: AttachmentBlobName): string {
  return `${id}.${variant}`;
}

/** What a message carries of an attachment, copied when it is sent (so events replay as sent). */
export function toMessageAttachment(attachment: Attachment): MessageAttachment {
  switch (attachment.kind) {
    case 'image': {
      const { display, thumb } = attachment.variants;
      return {
        id: attachment.id,
        kind: 'image',
        mime: attachment.mime,
        width: display.width,
        height: display.height,
        url: attachmentUrl(attachment.id, 'display'),
        thumbUrl: attachmentUrl(attachment.id, 'thumb'),
        thumbWidth: thumb.width,
        thumbHeight: thumb.height,
      };
    }
    case 'file':
      return {
        id: attachment.id,
        kind: 'file',
        mime: attachment.mime,
        name: attachment.name,
        size: attachment.size,
        url: attachmentUrl(attachment.id, 'original'),
      };
    case 'voice':
      return {
        id: attachment.id,
        kind: 'voice',
        mime: attachment.mime,
        size: attachment.size,
        durationMs: attachment.durationMs,
        url: attachmentUrl(attachment.id, 'original'),
      };
  }
}
