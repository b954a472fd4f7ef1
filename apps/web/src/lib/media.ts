/** Image layout and file addresses: pure, so the sizing rules are testable. */
import type { Message } from './protocol.ts';

/** An attachment as a message carries it (the server's `MessageAttachment`). */
export type Attachment = Message['attachments'][number];
export type ImageAttachment = Extract<Attachment, { kind: 'image' }>;
export type FileAttachment = Extract<Attachment, { kind: 'file' }>;
export type VoiceAttachment = Extract<Attachment, { kind: 'voice' }>;
export const isImage = (a: Attachment): a is ImageAttachment => a.kind === 'image';

export type FileVariant = 'display' | 'thumb';

/** Where the server serves a variant of an upload (cookies; immutable). */
export function fileUrl(id: string, variant: FileVariant): string {
  return `/api/files/${encodeURIComponent(id)}/${variant}`;
}

/** A profile picture: the thumbnail (at most 320 px) is plenty for every avatar size. */
export const avatarUrl = (avatarId: string) => fileUrl(avatarId, 'thumb');

export interface Box {
  width: number;
  height: number;
}

/**
 * The box an image of `width` × `height` gets: scaled down (never up) to fit `max`, keeping its
 * aspect ratio, and at least `min` on each side (a 1 × 800 strip stays tappable; the image is then
 * cropped by object-fit). Whole pixels, so the reserved space matches what the image will take.
 */
export function fitBox(
  width: number,
  height: number,
  max: Box = { width: 320, height: 320 },
  min = 48,
): Box {
  if (!(width > 0) || !(height > 0)) return { width: max.width, height: max.height };
  const scale = Math.min(1, max.width / width, max.height / height);
  const clamp = (v: number, hi: number) => Math.max(Math.min(min, hi), Math.min(hi, Math.round(v)));
  return { width: clamp(width * scale, max.width), height: clamp(height * scale, max.height) };
}

/**
 * How a message lays out its images: one keeps its own aspect ratio; two to four share a grid
 * of square cells (two per row), so the message's height is known before any byte arrives.
 */
export function attachmentLayout(
  attachments: readonly Pick<ImageAttachment, 'width' | 'height'>[],
  maxWidth = 320,
): { columns: number; cells: Box[] } {
  if (attachments.length === 0) return { columns: 0, cells: [] };
  if (attachments.length === 1) {
    const a = attachments[0]!;
    return {
      columns: 1,
      cells: [fitBox(a.width, a.height, { width: maxWidth, height: maxWidth })],
    };
  }
  const gap = 4;
  const side = Math.floor((maxWidth - gap) / 2);
  return { columns: 2, cells: attachments.map(() => ({ width: side, height: side })) };
}
