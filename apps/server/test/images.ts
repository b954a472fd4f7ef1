import { readdir } from 'node:fs/promises';
import path from 'node:path';
import zlib from 'node:zlib';
import { BLOB_KEY_CHECK } from '@parley/db';
import sharp from 'sharp';

/** Test images made with sharp: nothing binary lives in the repository. */
export const fixtures = {
  /** A photo as a phone takes it: EXIF with GPS position and camera, rotated by its orientation tag. */
  async jpegWithGps(width = 2400, height = 1200): Promise<Buffer> {
    return sharp({ create: { width, height, channels: 3, background: '#3366cc' } })
      .jpeg({ quality: 90 })
      .withMetadata({ orientation: 6 })
      .withExif({
        IFD0: { Make: 'Parley Test Camera', Model: 'PT-1' },
        IFD3: {
          GPSLatitudeRef: 'N',
          GPSLatitude: '48/1 51/1 2364/100',
          GPSLongitudeRef: 'E',
          GPSLongitude: '2/1 21/1 777/100',
        },
      })
      .toBuffer();
  },
  png(width = 640, height = 480): Promise<Buffer> {
    return sharp({
      create: { width, height, channels: 4, background: { r: 0, g: 160, b: 0, alpha: 0.5 } },
    })
      .png()
      .toBuffer();
  },
  webp(width = 500, height = 2000): Promise<Buffer> {
    return sharp({ create: { width, height, channels: 3, background: '#aa3300' } })
      .webp()
      .toBuffer();
  },
  /** Three frames of 400 × 300. */
  async animatedGif(): Promise<Buffer> {
    const frames = await Promise.all(
      ['#ff0000', '#00ff00', '#0000ff'].map((background) =>
        sharp({ create: { width: 400, height: 300, channels: 4, background } })
          .png()
          .toBuffer(),
      ),
    );
    return sharp(frames, { join: { animated: true } })
      .gif({ delay: [100, 100, 100] })
      .toBuffer();
  },
  /** A valid PNG header declaring 50,000 × 50,000 pixels, with a few bytes of data: 74 bytes. */
  decompressionBomb(): Buffer {
    const chunk = (type: string, data: Buffer) => {
      const length = Buffer.alloc(4);
      length.writeUInt32BE(data.length);
      const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
      const crc = Buffer.alloc(4);
      crc.writeUInt32BE(zlib.crc32(body));
      return Buffer.concat([length, body, crc]);
    };
    const header = Buffer.alloc(13);
    header.writeUInt32BE(50_000, 0);
    header.writeUInt32BE(50_000, 4);
    header[8] = 1; // bit depth
    header[9] = 0; // greyscale
    return Buffer.concat([
      Buffer.from('\x89PNG\r\n\x1a\n', 'latin1'),
      chunk('IHDR', header),
      chunk('IDAT', zlib.deflateSync(Buffer.alloc(1000))),
      chunk('IEND', Buffer.alloc(0)),
    ]);
  },
};

/** Every file under `<dataDir>/blobs` (but the store's key check), relative to it. */
export async function blobFiles(dataDir: string): Promise<string[]> {
  const root = path.join(dataDir, 'blobs');
  const entries = await readdir(root, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries
    .filter((entry) => entry.isFile() && entry.name !== BLOB_KEY_CHECK)
    .map((entry) => path.relative(root, path.join(entry.parentPath, entry.name)))
    .toSorted();
}

/** Every file under the data directory but the database's own. */
export async function dataFiles(dataDir: string): Promise<string[]> {
  const entries = await readdir(dataDir, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(dataDir, path.join(entry.parentPath, entry.name)))
    .filter(
      (file) =>
        !/^parley\.db(-wal|-shm)?$/.test(file) && !file.endsWith('.key') && !file.endsWith('.json'),
    )
    .toSorted();
}

export interface UploadAnswer {
  status: number;
  headers: Headers;
  body: Record<string, unknown>;
}

/** POSTs one file as multipart/form-data, the way a browser's FormData does. */
export async function upload(
  server: { url: string },
  token: string | undefined,
  bytes: Buffer | Uint8Array,
  opts: {
    filename?: string;
    type?: string;
    field?: string;
    headers?: Record<string, string>;
    /** `?kind=` (an image when absent). */
    kind?: string;
  } = {},
): Promise<UploadAnswer> {
  const form = new FormData();
  form.append(
    opts.field ?? 'file',
    new Blob([bytes], { type: opts.type ?? 'application/octet-stream' }),
    opts.filename ?? 'image',
  );
  const query = opts.kind === undefined ? '' : `?kind=${encodeURIComponent(opts.kind)}`;
  const response = await fetch(`${server.url}/api/uploads${query}`, {
    method: 'POST',
    body: form,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...opts.headers },
  });
  const text = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    body: text ? (JSON.parse(text) as Record<string, unknown>) : {},
  };
}

/** GETs a file; `bytes` only when it answered 200. */
export async function download(
  server: { url: string },
  token: string | undefined,
  url: string,
  headers: Record<string, string> = {},
) {
  const response = await fetch(`${server.url}${url}`, {
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
  });
  const bytes = Buffer.from(await response.arrayBuffer());
  return { status: response.status, headers: response.headers, bytes };
}
