import type { AttachmentVariant, AttachmentVariantName, ImageMime } from '@parley/db';
import sharp, { type FormatEnum, type Sharp } from 'sharp';
import { AppError } from '../errors.ts';
import { UPLOAD_LIMITS } from '../protocol.ts';

/** What an upload may be, and what is made of it. */
export const IMAGE_LIMITS = {
  /** Bytes of one upload. */
  maxBytes: UPLOAD_LIMITS.maxBytes,
  /** Decoded pixels of one upload, every frame of an animation counted: refuses decompression bombs. */
  maxPixels: 50_000_000,
  /**
   * Decoded pixels of an animation, frames × width × height. Re-encoding a GIF costs far more
   * per pixel than a still image (100 frames of 700 × 700 took 4 s of CPU).
   */
  maxAnimationPixels: 10_000_000,
  /** Longer side of each variant, in pixels; smaller images are not enlarged. */
  variants: { display: 1600, thumb: 320 } satisfies Record<AttachmentVariantName, number>,
  /**
   * The processing queue of this process: images processed at once, and uploads that may wait
   * (each holds its bytes in memory: at most 12 × 10 MB), in all and per user (a message's worth);
   * past these an upload is refused with TOO_MANY_REQUESTS and a retry-after. Users take turns,
   * so one user's uploads cannot hold back another's.
   */
  queue: { concurrency: 2, maxWaiting: 12, maxWaitingPerOwner: UPLOAD_LIMITS.perMessage },
} as const;

/** Bytes needed to tell the type of a file. */
export const SNIFF_BYTES = 12;

const ascii = (bytes: Uint8Array, start: number, end: number) =>
  String.fromCharCode(...bytes.subarray(start, end));

/** The image type named by a file's first bytes (its magic number), or null for anything else. */
export function sniffImageType(head: Uint8Array): ImageMime | null {
  if (head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff) return 'image/jpeg';
  if (ascii(head, 0, 8) === '\x89PNG\r\n\x1a\n') return 'image/png';
  if (ascii(head, 0, 6) === 'GIF87a' || ascii(head, 0, 6) === 'GIF89a') return 'image/gif';
  if (ascii(head, 0, 4) === 'RIFF' && ascii(head, 8, 12) === 'WEBP') return 'image/webp';
  return null;
}

/**
 * Whether the container says the file is cut short. Decoders catch most truncations; these are
 * the ones some decoders forgive: a GIF without its trailer byte (the decoder keeps the frames
 * it could read), a WebP shorter than its RIFF header says.
 */
function looksTruncated(bytes: Buffer, mime: ImageMime): boolean {
  if (mime === 'image/gif') {
    let end = bytes.length - 1;
    while (end > 0 && bytes[end] === 0) end -= 1; // padding after the trailer
    return bytes[end] !== 0x3b;
  }
  if (mime === 'image/webp') return bytes.length < 8 || bytes.readUInt32LE(4) + 8 > bytes.length;
  return false;
}

/** sharp's name of each accepted format. */
const FORMATS: Record<ImageMime, keyof FormatEnum> = {
  'image/jpeg': 'jpeg',
  'image/png': 'png',
  'image/gif': 'gif',
  'image/webp': 'webp',
};

export const UNSUPPORTED_TYPE_MESSAGE = 'Only JPEG, PNG, WebP and GIF images can be uploaded.';

export interface ProcessedImage {
  mime: ImageMime;
  /** Of the upload, upright; of one frame for an animation. */
  width: number;
  height: number;
  variants: Record<AttachmentVariantName, AttachmentVariant & { data: Buffer }>;
}

// Each upload is decoded once per variant; nothing of it stays in sharp's cache.
sharp.cache(false);

function tooLargeAnimation(): AppError {
  const megapixels = IMAGE_LIMITS.maxAnimationPixels / 1_000_000;
  return new AppError(
    'PAYLOAD_TOO_LARGE',
    `The animation is too large: at most ${megapixels} megapixels in all (frames × width × height).`,
  );
}

/** A readable error for what sharp refused. */
function refusal(error: unknown): AppError {
  const message = error instanceof Error ? error.message : String(error);
  if (/pixel limit/i.test(message)) {
    return new AppError(
      'PAYLOAD_TOO_LARGE',
      `The image has too many pixels: at most ${IMAGE_LIMITS.maxPixels / 1_000_000} megapixels.`,
    );
  }
  if (/unsupported image format/i.test(message)) {
    return new AppError('UNSUPPORTED_MEDIA_TYPE', UNSUPPORTED_TYPE_MESSAGE);
  }
  return new AppError('BAD_REQUEST', 'The image could not be read: it is damaged or incomplete.');
}

/**
 * Checks an upload and makes its variants: the type decided by its bytes (magic number and
 * decoder agreeing), every frame decoded (a truncated or damaged file is refused), the pixel count
 * (and an animation's frames × pixels) bounded before decoding. Each variant is re-encoded from
 * the upright pixels in the upload's format, so no metadata survives (EXIF, GPS, XMP, ICC
 * profile); animations keep their frames. It is CPU-heavy: callers queue it (IMAGE_LIMITS.queue).
 *
 * @throws AppError UNSUPPORTED_MEDIA_TYPE, PAYLOAD_TOO_LARGE or BAD_REQUEST
 */
export async function processImage(bytes: Buffer): Promise<ProcessedImage> {
  const mime = sniffImageType(bytes.subarray(0, SNIFF_BYTES));
  if (!mime) throw new AppError('UNSUPPORTED_MEDIA_TYPE', UNSUPPORTED_TYPE_MESSAGE);
  if (looksTruncated(bytes, mime)) throw refusal(new Error('truncated'));
  const animated = mime === 'image/gif' || mime === 'image/webp';
  const open = () =>
    sharp(bytes, {
      animated,
      limitInputPixels: IMAGE_LIMITS.maxPixels,
      failOn: 'truncated',
    });

  try {
    const meta = await open().metadata();
    if (meta.format !== FORMATS[mime]) {
      throw new AppError('UNSUPPORTED_MEDIA_TYPE', UNSUPPORTED_TYPE_MESSAGE);
    }
    const frames = meta.pages ?? 1;
    const pixels = frames * meta.width * (meta.pageHeight ?? meta.height);
    if (frames > 1 && pixels > IMAGE_LIMITS.maxAnimationPixels) throw tooLargeAnimation();
    const upright = meta.autoOrient;
    const variants = {} as ProcessedImage['variants'];
    for (const [name, side] of Object.entries(IMAGE_LIMITS.variants)) {
      const resized = open()
        .autoOrient()
        .resize({ width: side, height: side, fit: 'inside', withoutEnlargement: true });
      const { data, info } = await encode(resized, mime).toBuffer({ resolveWithObject: true });
      variants[name as AttachmentVariantName] = {
        data,
        width: info.width,
        height: info.pageHeight ?? info.height,
        size: data.length,
      };
    }
    return {
      mime,
      width: upright.width,
      height: animated ? (meta.pageHeight ?? upright.height) : upright.height,
      variants,
    };
  } catch (error) {
    throw error instanceof AppError ? error : refusal(error);
  }
}

function encode(image: Sharp, mime: ImageMime): Sharp {
  switch (mime) {
    case 'image/jpeg':
      return image.jpeg({ quality: 82, progressive: true, mozjpeg: true });
    case 'image/png':
      return image.png({ compressionLevel: 8 });
    case 'image/webp':
      return image.webp({ quality: 80 });
    case 'image/gif':
      return image.gif();
  }
}
