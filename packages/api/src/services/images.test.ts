import { randomBytes } from 'node:crypto';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { AppError } from '../errors.ts';
import { IMAGE_LIMITS, processImage, sniffImageType } from './images.ts';

const MAGIC: Record<string, Buffer> = {
  'image/jpeg': Buffer.from([0xff, 0xd8, 0xff, 0xe0]),
  'image/png': Buffer.from('\x89PNG\r\n\x1a\n', 'latin1'),
  'image/gif': Buffer.from('GIF89a', 'latin1'),
  'image/webp': Buffer.concat([
    Buffer.from('RIFF'),
    Buffer.from([0, 1, 0, 0]),
    Buffer.from('WEBP'),
  ]),
};

async function outcome(bytes: Buffer): Promise<string> {
  try {
    await processImage(bytes);
    return 'ok';
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    return (error as AppError).code;
  }
}

describe('sniffImageType', () => {
  it('names the four accepted types by their magic numbers, and nothing else', () => {
    for (const [mime, magic] of Object.entries(MAGIC)) {
      expect(sniffImageType(Buffer.concat([magic, Buffer.alloc(8)]))).toBe(mime);
    }
    for (const other of [
      '',
      'hello world!',
      '<svg xmlns="http://www.w3.org/2000/svg"/>',
      'GIF90a......',
      'RIFF....WAVE',
      'II*\0........', // TIFF
      '\0\0\0\x18ftypheic', // HEIC
      'BM..........', // BMP
      '%PDF-1.7....',
    ]) {
      expect(sniffImageType(Buffer.from(other, 'latin1'))).toBeNull();
    }
  });
});

describe('processImage', () => {
  it('refuses random bytes behind every magic number with a readable AppError, never anything else', async () => {
    const seen = new Set<string>();
    for (const magic of Object.values(MAGIC)) {
      for (let n = 0; n < 25; n++) {
        const bytes = Buffer.concat([magic, randomBytes(1 + Math.floor(Math.random() * 4096))]);
        const code = await outcome(bytes);
        expect(['BAD_REQUEST', 'UNSUPPORTED_MEDIA_TYPE', 'PAYLOAD_TOO_LARGE']).toContain(code);
        seen.add(code);
      }
    }
    expect(seen.has('BAD_REQUEST') || seen.has('UNSUPPORTED_MEDIA_TYPE')).toBe(true);
  });

  it('refuses every truncation of a valid image and accepts the whole', async () => {
    const base = sharp({
      create: {
        width: 120,
        height: 80,
        channels: 3,
        background: '#000',
        noise: { type: 'gaussian', mean: 128, sigma: 40 },
      },
    });
    for (const format of ['jpeg', 'png', 'webp', 'gif'] as const) {
      const whole = await base.clone().toFormat(format).toBuffer();
      expect(await outcome(whole)).toBe('ok');
      for (const fraction of [0.1, 0.25, 0.5, 0.75, 0.9, 0.99]) {
        const cut = whole.subarray(0, Math.max(1, Math.floor(whole.length * fraction)));
        expect(await outcome(cut), `${format} cut at ${fraction}`).not.toBe('ok');
      }
    }
  });

  it('flips random bits of a valid image without ever failing otherwise than readably', async () => {
    const png = await sharp({ create: { width: 64, height: 64, channels: 4, background: '#08f8' } })
      .png()
      .toBuffer();
    for (let n = 0; n < 40; n++) {
      const damaged = Buffer.from(png);
      for (let flips = 0; flips < 4; flips++) {
        const at = 8 + Math.floor(Math.random() * (damaged.length - 8));
        damaged[at] = damaged[at]! ^ (1 << Math.floor(Math.random() * 8));
      }
      await outcome(damaged);
    }
  });

  it(`refuses an animation over ${IMAGE_LIMITS.maxAnimationPixels / 1e6} megapixels in all its frames before decoding it`, async () => {
    const gif = async (frames: number, width: number, height: number) => {
      const pngs = await Promise.all(
        Array.from({ length: frames }, (_, i) =>
          sharp({ create: { width, height, channels: 3, background: { r: i * 8, g: 0, b: 0 } } })
            .png()
            .toBuffer(),
        ),
      );
      return sharp(pngs, { join: { animated: true } })
        .gif()
        .toBuffer();
    };
    // 12 megapixels, well under the still-image limit (a 49-megapixel one took 4 s of CPU).
    const big = await gif(12, 1000, 1000);
    const started = performance.now();
    const error = await processImage(big).catch((e: unknown) => e);
    expect(performance.now() - started).toBeLessThan(500);
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe('PAYLOAD_TOO_LARGE');
    expect((error as AppError).message).toBe(
      'The animation is too large: at most 10 megapixels in all (frames × width × height).',
    );
    // 20 frames of 200 × 150 are fine, and keep their frames.
    const small = await processImage(await gif(20, 200, 150));
    expect(small.mime).toBe('image/gif');
    expect([small.width, small.height]).toEqual([200, 150]);
  }, 30_000);
});
