import zlib from 'node:zlib';

/** A PNG made here (nothing binary in the repository): a diagonal gradient, optionally noisy. */
export function png(
  width: number,
  height: number,
  opts: { hue?: number; noise?: number } = {},
): Buffer {
  const { hue = 0, noise = 0 } = opts;
  let seed = 42;
  const rand = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32) * 2 - 1;
  const raw = Buffer.alloc((width * 3 + 1) * height);
  for (let y = 0; y < height; y++) {
    const row = y * (width * 3 + 1);
    raw[row] = 0;
    for (let x = 0; x < width; x++) {
      const t = (x / width + y / height) / 2;
      const n = noise ? rand() * noise : 0;
      const c = (v: number) => Math.max(0, Math.min(255, Math.round(v + n)));
      const i = row + 1 + x * 3;
      raw[i] = c(hue === 0 ? 255 - 80 * t : 40 + 60 * t);
      raw[i + 1] = c(hue === 0 ? 120 + 100 * t : 90 + 120 * t);
      raw[i + 2] = c(hue === 0 ? 60 + 40 * t : 200 - 40 * t);
    }
    // A dark horizon line, so a stretched or cropped image would show.
    if (y === Math.floor(height * 0.7)) raw.fill(30, row + 1, row + 1 + width * 3);
  }
  const chunk = (type: string, data: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(zlib.crc32(body));
    return Buffer.concat([len, body, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // RGB
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', zlib.deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}
