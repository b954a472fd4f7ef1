import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { brotliCompressSync, brotliDecompressSync, gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './harness.ts';

// A built web app as Vite leaves it: hashed assets with .br and .gz copies beside them.
const script = `console.log(${JSON.stringify('parley '.repeat(2000))});`;
const page = `<!doctype html><html lang="en"><head><title>Parley</title></head><body>${'<p>shell</p>'.repeat(200)}</body></html>`;

function buildWebApp(): string {
  const root = mkdtempSync(path.join(tmpdir(), 'parley-web-'));
  mkdirSync(path.join(root, 'assets'));
  for (const [name, text] of [
    ['assets/app-3f9c1d.js', script],
    ['index.html', page],
  ] as const) {
    const file = path.join(root, name);
    writeFileSync(file, text);
    writeFileSync(`${file}.br`, brotliCompressSync(text));
    writeFileSync(`${file}.gz`, gzipSync(text));
  }
  return root;
}

interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** A GET that neither asks for nor undoes any encoding unless told (fetch would do both). */
function get(url: string, headers: Record<string, string>): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    request(url, { headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
      );
    })
      .on('error', reject)
      .end();
  });
}

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ env: { WEB_DIST: buildWebApp() } });
});
afterAll(() => server.destroy());

describe('the web app’s files', () => {
  const asset = () => `${server.url}/assets/app-3f9c1d.js`;

  it('sends hashed assets brotli-compressed when asked, cached for a year as immutable', async () => {
    const res = await get(asset(), { 'accept-encoding': 'gzip, deflate, br' });
    expect(res.status).toBe(200);
    expect(res.headers['content-encoding']).toBe('br');
    expect(res.headers.vary).toMatch(/accept-encoding/i);
    expect(res.headers['content-type']).toMatch(/javascript/);
    expect(res.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(brotliDecompressSync(res.body).toString()).toBe(script);
    expect(res.body.length).toBeLessThan(script.length / 10);
  });

  it('falls back to gzip, then to the plain file', async () => {
    const gzip = await get(asset(), { 'accept-encoding': 'gzip' });
    expect(gzip.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(gzip.body).toString()).toBe(script);

    const plain = await get(asset(), {});
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.body.toString()).toBe(script);
  });

  it('revalidates the page itself and every client route, compressed too', async () => {
    for (const route of ['/', '/c/0193a1b2-0000-7000-8000-000000000000', '/settings']) {
      const res = await get(`${server.url}${route}`, {
        accept: 'text/html',
        'accept-encoding': 'br',
      });
      expect(res.status, route).toBe(200);
      expect(res.headers['cache-control'], route).toBe('no-cache');
      expect(res.headers['content-encoding'], route).toBe('br');
      expect(brotliDecompressSync(res.body).toString(), route).toBe(page);
    }
  });

  it('answers a missing asset with a JSON 404, not the page', async () => {
    const res = await get(`${server.url}/assets/gone-000000.js`, { 'accept-encoding': 'br' });
    expect(res.status).toBe(404);
    expect(res.headers['content-type']).toMatch(/json/);
  });
});
