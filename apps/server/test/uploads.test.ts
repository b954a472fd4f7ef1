import { once } from 'node:events';
import { request, type IncomingMessage } from 'node:http';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signUp, startTestServer, type TestServer } from './harness.ts';
import { blobFiles, dataFiles, download, fixtures, upload } from './images.ts';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.destroy());

const VARIANT_FILE =
  /^[0-9a-f]{2}\/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\.(display|thumb)$/;

describe('POST /api/uploads', () => {
  it.each([
    ['JPEG', 'image/jpeg', () => fixtures.jpegWithGps(2400, 1200), 'jpeg'],
    ['PNG', 'image/png', () => fixtures.png(640, 480), 'png'],
    ['WebP', 'image/webp', () => fixtures.webp(500, 2000), 'webp'],
    ['GIF', 'image/gif', () => fixtures.animatedGif(), 'gif'],
  ] as const)(
    'accepts a %s image and serves its display variant and thumbnail',
    async (_name, mime, make, format) => {
      const alice = await signUp(server, 'uploader');
      const before = await blobFiles(server.dataDir);

      const answer = await upload(server, alice.token(), await make(), {
        filename: 'picture',
        type: mime,
      });

      expect(answer.status).toBe(201);
      const attachment = answer.body as {
        id: string;
        url: string;
        thumbUrl: string;
        width: number;
        height: number;
        thumbWidth: number;
        thumbHeight: number;
      };
      expect(attachment).toEqual({
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        kind: 'image',
        mime,
        width: expect.any(Number),
        height: expect.any(Number),
        url: `/api/files/${attachment.id}/display`,
        thumbUrl: `/api/files/${attachment.id}/thumb`,
        thumbWidth: expect.any(Number),
        thumbHeight: expect.any(Number),
      });
      for (const [url, width, height, longest] of [
        [attachment.url, attachment.width, attachment.height, 1600],
        [attachment.thumbUrl, attachment.thumbWidth, attachment.thumbHeight, 320],
      ] as const) {
        const file = await download(server, alice.token(), url);
        expect(file.status).toBe(200);
        expect(file.headers.get('content-type')).toBe(mime);
        expect(file.headers.get('cache-control')).toBe('private, max-age=31536000, immutable');
        expect(file.headers.get('x-content-type-options')).toBe('nosniff');
        expect(Number(file.headers.get('content-length'))).toBe(file.bytes.length);
        const meta = await sharp(file.bytes, { animated: true }).metadata();
        expect(meta.format).toBe(format);
        // What the answer said is what was made, no larger than the variant's bound.
        expect([meta.width, meta.pageHeight ?? meta.height]).toEqual([width, height]);
        expect(Math.max(width, height)).toBeLessThanOrEqual(longest);
      }
      const added = (await blobFiles(server.dataDir)).filter((file) => !before.includes(file));
      expect(added).toHaveLength(2);
      for (const file of added) expect(file).toMatch(VARIANT_FILE);
    },
  );

  it('makes the variants upright and proportional, never enlarged', async () => {
    const alice = await signUp(server, 'uploader');
    // 2400 × 1200 stored with orientation 6: the upright picture is 1200 × 2400.
    const photo = await upload(server, alice.token(), await fixtures.jpegWithGps(2400, 1200));
    expect(photo.body).toMatchObject({
      width: 800,
      height: 1600,
      thumbWidth: 160,
      thumbHeight: 320,
    });

    const small = await upload(server, alice.token(), await fixtures.png(200, 100));
    expect(small.body).toMatchObject({
      width: 200,
      height: 100,
      thumbWidth: 200,
      thumbHeight: 100,
    });

    const gif = await upload(server, alice.token(), await fixtures.animatedGif());
    expect(gif.body).toMatchObject({ width: 400, height: 300, thumbWidth: 320, thumbHeight: 240 });
    const frames = await sharp(
      (await download(server, alice.token(), gif.body.thumbUrl as string)).bytes,
      { animated: true },
    ).metadata();
    expect(frames.pages).toBe(3);
  });

  it('strips EXIF, GPS and every other metadata from what it serves', async () => {
    const alice = await signUp(server, 'uploader');
    const original = await fixtures.jpegWithGps();
    const source = await sharp(original).metadata();
    expect(source.exif?.length).toBeGreaterThan(0);
    expect(original.includes(Buffer.from('Parley Test Camera'))).toBe(true);

    const answer = await upload(server, alice.token(), original);

    for (const url of [answer.body.url, answer.body.thumbUrl] as string[]) {
      const { bytes } = await download(server, alice.token(), url);
      const meta = await sharp(bytes).metadata();
      expect(meta.exif).toBeUndefined();
      expect(meta.xmp).toBeUndefined();
      expect(meta.iptc).toBeUndefined();
      expect(meta.orientation).toBeUndefined();
      expect(bytes.includes(Buffer.from('Parley Test Camera'))).toBe(false);
      expect(bytes.includes(Buffer.from('Exif\0\0'))).toBe(false);
    }
  });

  describe('refuses, with a readable error and nothing left on disk,', () => {
    let owner: Awaited<ReturnType<typeof signUp>>;
    beforeAll(async () => {
      owner = await signUp(server, 'refused');
    });

    async function expectRefused(
      bytes: Buffer,
      status: number,
      error: string,
      message: RegExp,
      opts: Parameters<typeof upload>[3] = {},
    ) {
      const before = await dataFiles(server.dataDir);
      const answer = await upload(server, owner.token(), bytes, opts);
      expect(answer.status).toBe(status);
      expect(answer.headers.get('content-type')).toMatch(/^application\/json/);
      expect(answer.body).toEqual({ error, message: expect.stringMatching(message) });
      expect(await dataFiles(server.dataDir)).toEqual(before);
    }

    it('a text file named .png and sent as image/png', async () => {
      const text = Buffer.from('This is not a picture, whatever its name says.\n'.repeat(20));
      await expectRefused(text, 415, 'UNSUPPORTED_MEDIA_TYPE', /JPEG, PNG, WebP and GIF/, {
        filename: 'holiday.png',
        type: 'image/png',
      });
    });

    it('an image format that is not accepted (SVG, TIFF)', async () => {
      const svg = Buffer.from(
        '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><script>alert(1)</script></svg>',
      );
      await expectRefused(svg, 415, 'UNSUPPORTED_MEDIA_TYPE', /JPEG, PNG, WebP and GIF/, {
        filename: 'a.png',
        type: 'image/png',
      });
      const tiff = await sharp({
        create: { width: 20, height: 20, channels: 3, background: '#fff' },
      })
        .tiff()
        .toBuffer();
      await expectRefused(tiff, 415, 'UNSUPPORTED_MEDIA_TYPE', /JPEG, PNG, WebP and GIF/, {
        filename: 'a.jpg',
      });
    });

    it('a file whose magic number and content disagree', async () => {
      // A PNG signature in front of JPEG data.
      const jpeg = await fixtures.jpegWithGps(100, 100);
      const forged = Buffer.concat([Buffer.from('\x89PNG\r\n\x1a\n', 'latin1'), jpeg.subarray(8)]);
      const answer = await upload(server, owner.token(), forged);
      expect([400, 415]).toContain(answer.status);
      expect(answer.body.message).toEqual(expect.any(String));
    });

    it.each([
      ['JPEG', () => fixtures.jpegWithGps(800, 600)],
      ['PNG', () => fixtures.png(800, 600)],
      ['WebP', () => fixtures.webp(800, 600)],
      ['GIF', () => fixtures.animatedGif()],
    ])('a truncated %s', async (_name, make) => {
      const whole = await make();
      await expectRefused(
        whole.subarray(0, Math.floor(whole.length * 0.7)),
        400,
        'BAD_REQUEST',
        /damaged or incomplete/,
      );
    });

    it('a file larger than 10 MB', async () => {
      const big = Buffer.concat([await fixtures.png(10, 10), Buffer.alloc(10 * 1024 * 1024)]);
      await expectRefused(big, 413, 'PAYLOAD_TOO_LARGE', /larger than 10 MB/);
    });

    it('a file larger than 10 MB sent without a length, stopping at the limit', async () => {
      const before = await dataFiles(server.dataDir);
      const boundary = 'parleyboundary';
      const head = Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.png"\r\nContent-Type: image/png\r\n\r\n`,
      );
      const png = await fixtures.png(10, 10);
      const req = request(`${server.url}/api/uploads`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${owner.token()}`,
          'content-type': `multipart/form-data; boundary=${boundary}`,
        },
      });
      req.write(head);
      req.write(png);
      const [response] = (await Promise.race([
        once(req, 'response'),
        (async () => {
          // Keeps sending, far past the limit, until the server answers.
          const chunk = Buffer.alloc(256 * 1024);
          for (let sent = 0; sent < 64 * 1024 * 1024; sent += chunk.length) {
            if (!req.write(chunk))
              await Promise.race([once(req, 'drain'), once(req, 'response'), once(req, 'close')]);
            if (req.destroyed || req.writableEnded) break;
          }
          return new Promise(() => {});
        })(),
      ])) as [IncomingMessage];
      const chunks: Buffer[] = [];
      for await (const chunk of response) chunks.push(chunk as Buffer);
      req.destroy();
      expect(response.statusCode).toBe(413);
      expect(JSON.parse(Buffer.concat(chunks).toString())).toEqual({
        error: 'PAYLOAD_TOO_LARGE',
        message: 'The file is larger than 10 MB.',
      });
      expect(await dataFiles(server.dataDir)).toEqual(before);
    });

    it('a decompression bomb: a tiny PNG declaring 50,000 × 50,000 pixels', async () => {
      const bomb = fixtures.decompressionBomb();
      expect(bomb.length).toBeLessThan(100);
      await expectRefused(bomb, 413, 'PAYLOAD_TOO_LARGE', /too many pixels: at most 50 megapixels/);
    });

    it('an empty file', async () => {
      await expectRefused(Buffer.alloc(0), 400, 'BAD_REQUEST', /empty/);
    });

    it('a body that is not multipart, or a file in another field', async () => {
      const png = await fixtures.png(10, 10);
      const raw = await fetch(`${server.url}/api/uploads`, {
        method: 'POST',
        body: png,
        headers: { authorization: `Bearer ${owner.token()}`, 'content-type': 'image/png' },
      });
      expect(raw.status).toBe(415);
      expect(await raw.json()).toEqual({
        error: 'UNSUPPORTED_MEDIA_TYPE',
        message: 'Send the image as multipart/form-data, in a field named "file".',
      });
      await expectRefused(png, 400, 'BAD_REQUEST', /field named "file"/, { field: 'avatar' });
    });
  });

  it('names stored files by generated ids only, whatever the upload is called', async () => {
    const alice = await signUp(server, 'namer');
    const png = await fixtures.png(30, 30);
    for (const filename of [
      '../../../etc/passwd',
      '/etc/passwd',
      '..\\..\\win.ini',
      '%2e%2e%2fparley.db',
      'a\u0000.png',
    ]) {
      const answer = await upload(server, alice.token(), png, { filename });
      expect(answer.status).toBe(201);
    }
    for (const file of await blobFiles(server.dataDir)) expect(file).toMatch(VARIANT_FILE);
    expect((await dataFiles(server.dataDir)).every((file) => file.startsWith('blobs/'))).toBe(true);
  });

  it('wants a signed-in caller, and the CSRF header with a cookie', async () => {
    const alice = await signUp(server, 'auth');
    const png = await fixtures.png(10, 10);

    const anonymous = await upload(server, undefined, png);
    expect(anonymous).toMatchObject({
      status: 401,
      body: { error: 'UNAUTHORIZED', message: 'Sign in to do that.' },
    });
    const forged = await upload(server, 'not-a-token', png);
    expect(forged).toMatchObject({ status: 401, body: { error: 'UNAUTHORIZED' } });

    const cookie = `parley_at=${alice.token()}`;
    const noCsrf = await upload(server, undefined, png, { headers: { cookie } });
    expect(noCsrf).toMatchObject({
      status: 403,
      body: { error: 'FORBIDDEN', message: 'This request is missing its CSRF header.' },
    });
    const browser = await upload(server, undefined, png, {
      headers: { cookie, 'x-parley-csrf': '1' },
    });
    expect(browser.status).toBe(201);
    // A GET (an <img>) needs no CSRF header.
    expect(
      (await download(server, undefined, browser.body.thumbUrl as string, { cookie })).status,
    ).toBe(200);
  });
});
