import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixtures } from './images.ts';
import { rejection, signUp, startTestServer, type TestServer } from './harness.ts';

/** A web site on loopback: pages with Open Graph tags, a picture, redirects, slow and large pages. */
async function startSite() {
  const hits = new Map<string, number>();
  const cover = await fixtures.jpegWithGps(1200, 630);
  const sockets = new Set<Socket>();
  let origin = '';
  const page = (head: string, body = '') =>
    `<!doctype html><html><head>${head}</head><body>${body}</body></html>`;
  const server = http.createServer((req, res) => {
    const path = req.url ?? '/';
    hits.set(path, (hits.get(path) ?? 0) + 1);
    const html = (text: string) => {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(text);
    };
    switch (path) {
      case '/article':
        return html(
          page(`<title>Plain title</title>
            <meta property="og:title" content="Parley &amp; friends">
            <meta property="og:description" content="A chat app that keeps every message.">
            <meta property="og:site_name" content="Loopback News">
            <meta property="og:image" content="/cover.jpg">`),
        );
      case '/cover.jpg':
        res.writeHead(200, { 'content-type': 'image/jpeg' });
        return res.end(cover);
      case '/plain':
        return html(page('<title>Just a title</title>'));
      case '/large':
        // The title comes first; a description past the first 512 KiB is never read.
        return html(
          page(
            '<title>Large page</title>',
            `${'<p>filler</p>'.repeat(60_000)}<meta name="description" content="too far">`,
          ),
        );
      case '/slow':
        // Sends its head, then nothing more until the connection ends.
        res.writeHead(200, { 'content-type': 'text/html' });
        return res.write('<html><head><title>Slow page</title></head><body>');
      case '/silent':
        return; // never answers
      case '/pdf':
        res.writeHead(200, { 'content-type': 'application/pdf' });
        return res.end('%PDF-1.7');
      case '/to-metadata':
        res.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data/' });
        return res.end();
      case '/to-ipv6-loopback':
        res.writeHead(301, { location: `http://[::1]:${new URL(origin).port}/plain` });
        return res.end();
      case '/to-plain':
        res.writeHead(302, { location: '/plain' });
        return res.end();
      case '/loop':
        res.writeHead(302, { location: '/loop' });
        return res.end();
      default:
        res.writeHead(404, { 'content-type': 'text/html' });
        return res.end('not here');
    }
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    hits,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

const TIMEOUT_MS = 1000;

describe('link previews', () => {
  let site: Awaited<ReturnType<typeof startSite>>;
  let server: TestServer;
  let guarded: TestServer;

  beforeAll(async () => {
    site = await startSite();
    [server, guarded] = await Promise.all([
      startTestServer({
        env: { LINK_PREVIEW_ALLOW: '127.0.0.1', LINK_PREVIEW_TIMEOUT_MS: String(TIMEOUT_MS) },
      }),
      startTestServer(),
    ]);
  });

  afterAll(async () => {
    await Promise.all([server?.destroy(), guarded?.destroy()]);
    await site?.close();
  });

  it('reads a page’s Open Graph tags and keeps its picture, re-encoded', async () => {
    const alice = await signUp(server, 'alice');
    const preview = await alice.http.linkPreviews.get.query({ url: `${site.origin}/article#top` });
    expect(preview).toMatchObject({
      url: `${site.origin}/article`,
      title: 'Parley & friends',
      description: 'A chat app that keeps every message.',
      siteName: 'Loopback News',
      image: { url: expect.stringMatching(/^\/api\/link-images\/[0-9a-f]{64}\.jpg$/) },
    });

    const image = await fetch(`${server.url}${preview.image!.url}`, {
      headers: { authorization: `Bearer ${alice.token()}` },
    });
    expect(image.status).toBe(200);
    expect(image.headers.get('content-type')).toBe('image/jpeg');
    expect(image.headers.get('x-content-type-options')).toBe('nosniff');
    const meta = await sharp(Buffer.from(await image.arrayBuffer())).metadata();
    // Re-encoded like an upload: the thumbnail size, upright, no EXIF (no GPS position) left.
    expect(Math.max(meta.width, meta.height)).toBe(320);
    expect(preview.image).toMatchObject({ width: meta.width, height: meta.height });
    expect(meta.exif).toBeUndefined();

    const anonymous = await fetch(`${server.url}${preview.image!.url}`);
    expect(anonymous.status).toBe(401);
    const unknown = await fetch(`${server.url}/api/link-images/${'0'.repeat(64)}.jpg`, {
      headers: { authorization: `Bearer ${alice.token()}` },
    });
    expect(unknown.status).toBe(404);
  });

  it('falls back to <title>, follows a redirect on an allowed host, and caches the answer', async () => {
    const bob = await signUp(server, 'bob');
    const first = await bob.http.linkPreviews.get.query({ url: `${site.origin}/to-plain` });
    expect(first).toEqual({
      url: `${site.origin}/plain`,
      title: 'Just a title',
      description: null,
      siteName: null,
      image: null,
    });
    const hits = site.hits.get('/to-plain');
    expect(await bob.http.linkPreviews.get.query({ url: `${site.origin}/to-plain` })).toEqual(
      first,
    );
    expect(site.hits.get('/to-plain')).toBe(hits);

    // A failure is cached too.
    await rejection(bob.http.linkPreviews.get.query({ url: `${site.origin}/missing` }));
    const missing = await rejection(
      bob.http.linkPreviews.get.query({ url: `${site.origin}/missing` }),
    );
    expect(missing.data?.code).toBe('NOT_FOUND');
    expect(missing.message).toMatch(/answered 404/);
    expect(site.hits.get('/missing')).toBe(1);
  });

  it('refuses loopback and private addresses without the allow-list', async () => {
    const carol = await signUp(guarded, 'carol');
    const hits = [...site.hits.values()].reduce((a, b) => a + b, 0);
    for (const url of [
      `${site.origin}/plain`,
      `http://localhost:${new URL(site.origin).port}/plain`,
      `http://[::ffff:127.0.0.1]:${new URL(site.origin).port}/plain`,
      'http://169.254.169.254/latest/meta-data/',
      'http://10.0.0.1/',
      'http://[fd00::1]/',
      'http://0.0.0.0/',
    ]) {
      const error = await rejection(carol.http.linkPreviews.get.query({ url }));
      expect(error.data?.code, url).toBe('FORBIDDEN');
      expect(error.message).toMatch(/private or local address/);
    }
    expect([...site.hits.values()].reduce((a, b) => a + b, 0)).toBe(hits); // never connected
  });

  it('refuses a redirect from an allowed host to a private address', async () => {
    const dave = await signUp(server, 'dave');
    for (const path of ['/to-metadata', '/to-ipv6-loopback']) {
      const error = await rejection(
        dave.http.linkPreviews.get.query({ url: `${site.origin}${path}` }),
      );
      expect(error.data?.code, path).toBe('FORBIDDEN');
    }
    const loop = await rejection(dave.http.linkPreviews.get.query({ url: `${site.origin}/loop` }));
    expect(loop.message).toMatch(/redirects more than 5 times/);
  });

  it('cuts a large page and a slow one, and gives up on a silent one in bounded time', async () => {
    const erin = await signUp(server, 'erin');
    const large = await erin.http.linkPreviews.get.query({ url: `${site.origin}/large` });
    expect(large).toMatchObject({ title: 'Large page', description: null });

    let started = Date.now();
    const slow = await erin.http.linkPreviews.get.query({ url: `${site.origin}/slow` });
    expect(slow.title).toBe('Slow page');
    expect(Date.now() - started).toBeLessThan(TIMEOUT_MS + 1500);

    started = Date.now();
    const silent = await rejection(
      erin.http.linkPreviews.get.query({ url: `${site.origin}/silent` }),
    );
    expect(silent.data?.code).toBe('NOT_FOUND');
    expect(silent.message).toMatch(/took too long/);
    expect(Date.now() - started).toBeLessThan(TIMEOUT_MS + 1500);
  });

  it('refuses what is not a web page, and what is not a web address', async () => {
    const frank = await signUp(server, 'frank');
    const pdf = await rejection(frank.http.linkPreviews.get.query({ url: `${site.origin}/pdf` }));
    expect(pdf.data?.code).toBe('UNSUPPORTED_MEDIA_TYPE');
    expect(pdf.message).toMatch(/application\/pdf/);

    for (const url of [
      'javascript:alert(1)',
      'ftp://example.com/',
      'not a link',
      'http://me:pw@example.com/',
      '',
    ]) {
      const error = await rejection(frank.http.linkPreviews.get.query({ url }));
      expect(error.data?.code, url).toBe('BAD_REQUEST');
    }
  });

  it('is off when LINK_PREVIEWS=off', async () => {
    const off = await startTestServer({
      env: { LINK_PREVIEWS: 'off', LINK_PREVIEW_ALLOW: '127.0.0.1' },
    });
    try {
      const gina = await signUp(off, 'gina');
      const error = await rejection(
        gina.http.linkPreviews.get.query({ url: `${site.origin}/plain` }),
      );
      expect(error.data?.code).toBe('FORBIDDEN');
      expect(error.message).toMatch(/turned off/);
    } finally {
      await off.destroy();
    }
  });
});
