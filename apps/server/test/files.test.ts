import { readFileSync } from 'node:fs';
import { deflateRawSync, crc32 } from 'node:zlib';
import type { MessageFile, MessageVoice } from '@parley/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  collectEvents,
  signUp,
  startTestServer,
  waitFor,
  wsClient,
  type TestServer,
} from './harness.ts';
import { download, upload } from './images.ts';

/** Real Opus recordings made with ffmpeg (see packages/api/src/services/voice/fixtures). */
const voiceFixture = (name: string) =>
  readFileSync(
    new URL(`../../../packages/api/src/services/voice/fixtures/${name}`, import.meta.url),
  );

/** A small real PDF. */
const PDF = Buffer.from(
  '%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n',
);

/** A zip archive of one file, `hello.txt`. */
function zipOf(name: string, content: string): Buffer {
  const data = Buffer.from(content);
  const packed = deflateRawSync(data);
  const nameBytes = Buffer.from(name);
  const local = Buffer.alloc(30);
  local.writeUInt32LE(0x04034b50, 0);
  local.writeUInt16LE(20, 4);
  local.writeUInt16LE(8, 8);
  local.writeUInt32LE(crc32(data), 14);
  local.writeUInt32LE(packed.length, 18);
  local.writeUInt32LE(data.length, 22);
  local.writeUInt16LE(nameBytes.length, 26);
  const central = Buffer.alloc(46);
  central.writeUInt32LE(0x02014b50, 0);
  central.writeUInt16LE(20, 4);
  central.writeUInt16LE(20, 6);
  central.writeUInt16LE(8, 10);
  central.writeUInt32LE(crc32(data), 16);
  central.writeUInt32LE(packed.length, 20);
  central.writeUInt32LE(data.length, 24);
  central.writeUInt16LE(nameBytes.length, 28);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(1, 8);
  end.writeUInt16LE(1, 10);
  end.writeUInt32LE(46 + nameBytes.length, 12);
  end.writeUInt32LE(30 + nameBytes.length + packed.length, 16);
  return Buffer.concat([local, nameBytes, packed, central, nameBytes, end]);
}

const FILE_MAX_BYTES = 200 * 1024;

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({
    env: { FILE_MAX_BYTES: String(FILE_MAX_BYTES), VOICE_MAX_SECONDS: '300' },
  });
});
afterAll(() => server.destroy());

const cid = () => `c_${crypto.randomUUID()}`;
type Signed = Awaited<ReturnType<typeof signUp>>;

async function uploadFile(who: Signed, bytes: Buffer, filename: string, type?: string) {
  const answer = await upload(server, who.token(), bytes, {
    kind: 'file',
    filename,
    ...(type ? { type } : {}),
  });
  expect(answer.status, JSON.stringify(answer.body)).toBe(201);
  return answer.body as unknown as MessageFile;
}

/** Sends the attachments from `from` to `to`; both then see them. */
async function sendTo(from: Signed, to: Signed, attachmentIds: string[]) {
  return from.http.chat.send.mutate({ to: to.user.id, attachmentIds, clientMessageId: cid() });
}

/** The headers every file download has, whatever the file. */
function expectDownload(headers: Headers, filename: string) {
  expect(headers.get('content-disposition')).toBe(
    `attachment; filename="${filename.replace(/[^\x20-\x7e]/g, '_')}"; filename*=UTF-8''${encodeURIComponent(filename)}`,
  );
  expect(headers.get('x-content-type-options')).toBe('nosniff');
  expect(headers.get('content-security-policy')).toBe("default-src 'none'; sandbox");
  expect(headers.get('cache-control')).toBe('private, max-age=31536000, immutable');
}

describe('files', () => {
  it('sends a PDF and a zip that the other member downloads with the right headers', async () => {
    const alice = await signUp(server, 'alice');
    const bob = await signUp(server, 'bob');
    const zip = zipOf('hello.txt', 'hello from the zip');
    const pdf = await uploadFile(alice, PDF, 'Quarterly report.pdf', 'application/pdf');
    const archive = await uploadFile(alice, zip, 'photos.zip');
    expect(pdf).toEqual({
      id: expect.any(String),
      kind: 'file',
      mime: 'application/pdf',
      name: 'Quarterly report.pdf',
      size: PDF.length,
      url: `/api/files/${pdf.id}/original`,
    });
    expect(archive).toMatchObject({
      mime: 'application/zip',
      name: 'photos.zip',
      size: zip.length,
    });

    const bobTab = wsClient(server, bob.token);
    try {
      const events = collectEvents(bobTab.client);
      await events.ready();
      const sent = await sendTo(alice, bob, [pdf.id, archive.id]);
      expect(sent.attachments).toEqual([pdf, archive]);
      await waitFor(() => events.of('message.new').length > 0, 5000, 'the message');
      expect(events.of('message.new')[0]!.message.attachments).toEqual([pdf, archive]);
    } finally {
      bobTab.close();
    }

    const got = await download(server, bob.token(), pdf.url);
    expect(got.status).toBe(200);
    expect(got.headers.get('content-type')).toBe('application/pdf');
    expectDownload(got.headers, 'Quarterly report.pdf');
    expect(got.bytes.equals(PDF)).toBe(true);
    const gotZip = await download(server, bob.token(), archive.url);
    expect(gotZip.headers.get('content-type')).toBe('application/zip');
    expectDownload(gotZip.headers, 'photos.zip');
    expect(gotZip.bytes.equals(zip)).toBe(true);
  });

  it('is refused to anyone who may not see its message, and the wrong variant is not found', async () => {
    const alice = await signUp(server, 'alice');
    const bob = await signUp(server, 'bob');
    const eve = await signUp(server, 'eve');
    const draft = await uploadFile(alice, PDF, 'draft.pdf');
    // Before it is sent, only its uploader has it.
    expect((await download(server, bob.token(), draft.url)).status).toBe(404);
    expect((await download(server, alice.token(), draft.url)).status).toBe(200);
    await sendTo(alice, bob, [draft.id]);

    expect((await download(server, bob.token(), draft.url)).status).toBe(200);
    const refused = await download(server, eve.token(), draft.url);
    expect(refused.status).toBe(404);
    expect(JSON.parse(refused.bytes.toString())).toEqual({
      error: 'NOT_FOUND',
      message: 'No such file.',
    });
    expect((await download(server, undefined, draft.url)).status).toBe(401);
    const asImage = draft.url.replace(/original$/, 'display');
    expect((await download(server, bob.token(), asImage)).status).toBe(404);
  });

  it('never serves HTML, SVG or XML as such: a download of opaque bytes', async () => {
    const alice = await signUp(server, 'alice');
    const bob = await signUp(server, 'bob');
    const html = Buffer.from('<!doctype html><script>parent.alert(document.cookie)</script>');
    const svg = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>');
    const files = [
      await uploadFile(alice, html, 'page.html', 'text/html'),
      await uploadFile(alice, svg, 'logo.svg', 'image/svg+xml'),
      await uploadFile(alice, html, 'notes.txt', 'text/plain'),
      await uploadFile(alice, html, 'fake.pdf', 'application/pdf'),
      await uploadFile(alice, svg, 'feed.xml', 'application/xml'),
    ];
    await sendTo(
      alice,
      bob,
      files.slice(0, 4).map((f) => f.id),
    );
    for (const file of files.slice(0, 4)) {
      expect(file.mime).toBe('application/octet-stream');
      const got = await download(server, bob.token(), file.url);
      expect(got.status).toBe(200);
      expect(got.headers.get('content-type')).toBe('application/octet-stream');
      expectDownload(got.headers, file.name);
    }
    expect(files[4]!.mime).toBe('application/octet-stream');
  });

  it('keeps a safe form of the name it was uploaded with', async () => {
    const alice = await signUp(server, 'alice');
    const file = await uploadFile(alice, PDF, '../../etc/r\u00e9sum\u00e9\u202Efdp.exe');
    expect(file.name).toBe('résuméfdp.exe');
    expect(file.mime).toBe('application/octet-stream');
    const got = await download(server, alice.token(), file.url);
    expectDownload(got.headers, 'résuméfdp.exe');
  });

  it('refuses a file over FILE_MAX_BYTES with a readable 413, and an unknown kind', async () => {
    const alice = await signUp(server, 'alice');
    const big = Buffer.alloc(FILE_MAX_BYTES + 1, 7);
    const refused = await upload(server, alice.token(), big, { kind: 'file', filename: 'big.bin' });
    expect(refused.status).toBe(413);
    expect(refused.body).toEqual({
      error: 'PAYLOAD_TOO_LARGE',
      message: 'The file is larger than 0.2 MB.',
    });
    // Declared too large: refused before a byte of it is read.
    const huge = Buffer.alloc(FILE_MAX_BYTES * 3, 7);
    expect((await upload(server, alice.token(), huge, { kind: 'file' })).status).toBe(413);
    const odd = await upload(server, alice.token(), PDF, { kind: 'script' });
    expect(odd.status).toBe(400);
    expect(odd.body.message).toBe('The kind of an upload is one of image, file, voice.');
    const empty = await upload(server, alice.token(), Buffer.alloc(0), { kind: 'file' });
    expect(empty.body).toEqual({ error: 'BAD_REQUEST', message: 'The file is empty.' });
    expect((await upload(server, undefined, PDF, { kind: 'file' })).status).toBe(401);
  });

  it('cannot be a profile picture', async () => {
    const alice = await signUp(server, 'alice');
    const file = await uploadFile(alice, PDF, 'me.pdf');
    await expect(alice.http.users.updateProfile.mutate({ avatarId: file.id })).rejects.toThrow(
      'Only an image can be used as a picture.',
    );
  });
});

describe('voice notes', () => {
  async function uploadVoice(who: Signed, bytes: Buffer) {
    return upload(server, who.token(), bytes, { kind: 'voice', filename: 'voice' });
  }

  it('accepts Opus in WebM and Ogg with the duration read from the container, played inline', async () => {
    const alice = await signUp(server, 'alice');
    const bob = await signUp(server, 'bob');
    const webmBytes = voiceFixture('voice-live-1.2s.webm');
    const webm = await uploadVoice(alice, webmBytes);
    const ogg = await uploadVoice(alice, voiceFixture('voice-2.5s.ogg'));
    expect(webm.status).toBe(201);
    expect(ogg.status).toBe(201);
    const note = webm.body as unknown as MessageVoice;
    expect(note).toEqual({
      id: expect.any(String),
      kind: 'voice',
      mime: 'audio/webm',
      size: webmBytes.length,
      durationMs: expect.any(Number),
      url: `/api/files/${note.id}/original`,
    });
    expect(Math.abs(note.durationMs - 1200)).toBeLessThanOrEqual(30);
    expect(ogg.body).toMatchObject({ mime: 'audio/ogg', durationMs: 2500 });

    const sent = await sendTo(alice, bob, [note.id]);
    expect(sent.attachments).toEqual([note]);
    const got = await download(server, bob.token(), note.url);
    expect(got.status).toBe(200);
    expect(got.headers.get('content-type')).toBe('audio/webm');
    expect(got.headers.get('content-disposition')).toBe('inline');
    expect(got.headers.get('x-content-type-options')).toBe('nosniff');
    expect(got.bytes.equals(webmBytes)).toBe(true);
    const eve = await signUp(server, 'eve');
    expect((await download(server, eve.token(), note.url)).status).toBe(404);
  });

  it('refuses another container, a damaged one and one longer than VOICE_MAX_SECONDS', async () => {
    const alice = await signUp(server, 'alice');
    const fake = await uploadVoice(alice, Buffer.from('ID3\x04\x00 this is not opus at all'));
    expect(fake.status).toBe(415);
    expect(fake.body).toEqual({
      error: 'UNSUPPORTED_MEDIA_TYPE',
      message: 'A voice message must be Opus audio in WebM or Ogg (as browsers record it).',
    });
    const html = await uploadVoice(alice, Buffer.from('<html><body>hi</body></html>'));
    expect(html.status).toBe(415);
    const ogg = voiceFixture('voice-2.5s.ogg');
    const cut = await uploadVoice(alice, ogg.subarray(0, ogg.length - 50));
    expect(cut.status).toBe(400);
    expect(cut.body).toEqual({ error: 'BAD_REQUEST', message: 'The recording is cut short.' });
    const long = await uploadVoice(alice, voiceFixture('voice-310s.ogg'));
    expect(long.status).toBe(413);
    expect(long.body).toEqual({
      error: 'PAYLOAD_TOO_LARGE',
      message: 'A voice message can be at most 5 minutes long.',
    });
  });
});
