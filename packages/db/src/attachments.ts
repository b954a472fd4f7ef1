import type { Attachment, AttachmentVariantName, MessageAttachment } from './types.ts';

/** Where the server serves a variant of an attachment (part of the public HTTP contract). */
export const FILES_PATH = '/api/files';

export const ATTACHMENT_VARIANTS: readonly AttachmentVariantName[] = ['display', 'thumb'];

export function attachmentUrl(id: string, variant: AttachmentVariantName): string {
  return `${FILES_PATH}/${encodeURIComponent(id)}/${variant}`;
}

/** The blob that holds a variant of an attachment. */
export function attachmentBlobKey(id: string, variant: AttachmentVariantName): string {
  return `${id}.${variant}`;
}

/** What a message carries of an attachment, copied when it is sent (so events replay as sent). */
export function toMessageAttachment(attachment: Attachment): MessageAttachment {
  const { display, thumb } = attachment.variants;
  return {
    id: attachment.id,
    kind: attachment.kind,
    mime: attachment.mime,
    width: display.width,
    height: display.height,
    url: attachmentUrl(attachment.id, 'display'),
    thumbUrl: attachmentUrl(attachment.id, 'thumb'),
    thumbWidth: thumb.width,
    thumbHeight: thumb.height,
  };
}
