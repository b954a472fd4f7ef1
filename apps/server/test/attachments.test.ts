import { existsSync, readFileSync } from 'node:fs';
import { request } from 'node:http';
import path from 'node:path';
import type { MessageImage } from '@parley/db';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  collectEvents,
  httpClient,
  rejection,
  signUp,
  startTestServer,
  waitFor,
  wsClient,
  type TestServer,
} from './harness.ts';
import { blobFiles, download, fixtures, upload } from './images.ts';

/** The server's clock: tests move it a day on to make uploads old. */
let clockOffsetMs = 0;
const now = () => new Date(Date.now() + clockOffsetMs);

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ overrides: { now } });
});
afterAll(() => server.destroy());

const cid = () => `c_${crypto.randomUUID()}`;
type Signed = Awaited<ReturnType<typeof signUp>>;

async function uploaded(who: Signed, bytes?: Buffer): Promise<MessageImage> {
  const answer = await upload(server, who.token(), bytes ?? (await fixtures.png(800, 400)));
  expect(answer.status).toBe(201);
  return answer.body as unknown as MessageImage;
}

const status = async (who: Signed | undefined, url: string) =>
  (await download(server, who?.token(), url)).status;

describe('attachments in messages', () => {
  it('flow through chat.send to message.new, history and the conversation list with their metadata', async () => {
    const alice = await signUp(server, 'alice');
    const bob = await signUp(server, 'bob');
    const photo = await uploaded(alice, await fixtures.jpegWithGps(2400, 1200));
    const drawing = await uploaded(alice, await fixtures.png(640, 480));
    const bobTab = wsClient(server, bob.token);
    try {
      const events = collectEvents(bobTab.client);
      await events.ready();

      // A message with attachments needs no text.
      const sent = await alice.http.chat.send.mutate({
        to: bob.user.id,
        attachmentIds: [photo.id, drawing.id],
        clientMessageId: cid(),
      });

      expect(sent.text).toBe('');
      expect(sent.attachmentIds).toEqual([photo.id, drawing.id]);
      expect(sent.attachments).toEqual([photo, drawing]);
      expect(sent.attachments[0]).toEqual({
        id: photo.id,
        kind: 'image',
        mime: 'image/jpeg',
        width: 800,
        height: 1600,
        url: `/api/files/${photo.id}/display`,
        thumbUrl: `/api/files/${photo.id}/thumb`,
        thumbWidth: 160,
        thumbHeight: 320,
      });
      const received = await waitFor(() => events.of('message.new')[0], 5000, 'bob to receive it');
      expect(received.message).toEqual(sent);
      const history = await bob.http.chat.history.query({ conversationId: sent.conversationId });
      expect(history.items).toEqual([sent]);
      const conversations = await bob.http.chat.conversations.query({});
      expect(conversations.items[0]?.lastMessage).toEqual(sent);

      // What bob was told is what he can fetch.
      const file = await download(server, bob.token(), received.message.attachments[0]!.url);
      expect(file.status).toBe(200);
      const meta = await sharp(file.bytes).metadata();
      expect([meta.width, meta.height]).toEqual([800, 1600]);
      expect(meta.exif).toBeUndefined();

      // Replayed after a reconnect: the same copy.
      const replay = collectEvents(bobTab.client, '0');
      await replay.ready();
      expect(replay.of('message.new').map((event) => event.message)).toContainEqual(sent);
    } finally {
      bobTab.close();
    }
  });

  it('shows a conversation’s images to its two participants only', async () => {
    const alice = await signUp(server, 'alice');
    const bob = await signUp(server, 'bob');
    const eve = await signUp(server, 'eve');
    const photo = await uploaded(alice);
    await alice.http.chat.send.mutate({
      to: bob.user.id,
      attachmentIds: [photo.id],
      clientMessageId: cid(),
    });

    for (const url of [photo.url, photo.thumbUrl]) {
      expect(await status(alice, url)).toBe(200);
      expect(await status(bob, url)).toBe(200);
      const refused = await download(server, eve.token(), url);
      expect(refused.status).toBe(404);
      expect(JSON.parse(refused.bytes.toString())).toEqual({
        error: 'NOT_FOUND',
        message: 'No such file.',
      });
      expect(await status(undefined, url)).toBe(401);
      expect((await download(server, 'forged.token.value', url)).status).toBe(401);
    }
  });

  it('shows an upload not sent yet to its owner only', async () => {
    const alice = await signUp(server, 'alice');
    const bob = await signUp(server, 'bob');
    const draft = await uploaded(alice);

    expect(await status(alice, draft.url)).toBe(200);
    expect(await status(bob, draft.url)).toBe(404);
    expect(await status(bob, draft.thumbUrl)).toBe(404);
    // Unknown ids and variants look the same as someone else's file.
    expect(await status(bob, `/api/files/${crypto.randomUUID()}/display`)).toBe(404);
    expect(await status(alice, `/api/files/${draft.id}/original`)).toBe(404);
  });

  it('refuses another user’s upload, one already sent, and more than four', async () => {
    const alice = await signUp(server, 'alice');
    const bob = await signUp(server, 'bob');
    const carol = await signUp(server, 'carol');
    const photo = await uploaded(alice);
    await alice.http.chat.send.mutate({
      to: bob.user.id,
      attachmentIds: [photo.id],
      clientMessageId: cid(),
    });
    const draft = await uploaded(alice);

    // Bob saw alice's image: he still cannot send it as his.
    const stolen = await rejection(
      bob.http.chat.send.mutate({
        to: carol.user.id,
        attachmentIds: [photo.id],
        clientMessageId: cid(),
      }),
    );
    expect(stolen.data?.code).toBe('NOT_FOUND');
    expect(stolen.message).toBe('That attachment does not exist: upload it first.');
    const unsent = await rejection(
      bob.http.chat.send.mutate({
        to: carol.user.id,
        attachmentIds: [draft.id],
        clientMessageId: cid(),
      }),
    );
    expect(unsent.data?.code).toBe('NOT_FOUND');

    const again = await rejection(
      alice.http.chat.send.mutate({
        to: carol.user.id,
        attachmentIds: [photo.id],
        clientMessageId: cid(),
      }),
    );
    expect(again.data?.code).toBe('CONFLICT');
    expect(again.message).toMatch(/already sent/);
    expect(await status(carol, photo.url)).toBe(404);

    const ids = await Promise.all([1, 2, 3, 4, 5].map(async () => (await uploaded(alice)).id));
    const five = await rejection(
      alice.http.chat.send.mutate({ to: bob.user.id, attachmentIds: ids, clientMessageId: cid() }),
    );
    expect(five.data?.code).toBe('BAD_REQUEST');
    expect(five.data?.fieldErrors).toHaveProperty('attachmentIds');
    const twice = await rejection(
      alice.http.chat.send.mutate({
        to: bob.user.id,
        attachmentIds: [draft.id, draft.id],
        clientMessageId: cid(),
      }),
    );
    expect(twice.message).toMatch(/listed twice/);

    // Nothing of the refused sends stuck: the draft and four of the five still go out.
    const sent = await alice.http.chat.send.mutate({
      to: bob.user.id,
      attachmentIds: [draft.id, ...ids.slice(0, 3)],
      clientMessageId: cid(),
    });
    expect(sent.attachments).toHaveLength(4);
    expect(carol.user.id).not.toBe(bob.user.id);
  });

  it('returns the original on a retry, even though its attachments are now used', async () => {
    const alice = await signUp(server, 'alice');
    const bob = await signUp(server, 'bob');
    const photo = await uploaded(alice);
    const input = {
      to: bob.user.id,
      text: 'look',
      attachmentIds: [photo.id],
      clientMessageId: cid(),
    };

    const [first, second] = await Promise.all([
      alice.http.chat.send.mutate(input),
      alice.http.chat.send.mutate(input),
    ]);
    const third = await alice.http.chat.send.mutate(input);

    expect(second).toEqual(first);
    expect(third).toEqual(first);
    expect(
      (await bob.http.chat.history.query({ conversationId: first.conversationId })).items,
    ).toHaveLength(1);
  });
});

describe('file names and ids', () => {
  it('serves nothing but attachment variants, whatever the path', async () => {
    const alice = await signUp(server, 'alice');
    const draft = await uploaded(alice);
    const paths = [
      `/api/files/../../parley.db/display`,
      `/api/files/..%2F..%2Fparley.db/display`,
      `/api/files/%2e%2e%2f%2e%2e%2fparley.db/display`,
      `/api/files/..%252F..%252Fparley.db/display`,
      `/api/files/%2Fetc%2Fpasswd/display`,
      `/api/files//etc/passwd/display`,
      `/api/files/C:%5CWindows%5Cwin.ini/display`,
      `/api/files/${draft.id}/..%2F..%2Fparley.db`,
      `/api/files/${draft.id}/display%00.png`,
      `/api/files/${draft.id}/display/../../../dev-jwt-key.json`,
      `/api/files/${draft.id}.display/display`,
      `/api/files/${draft.id.slice(0, 2)}/${draft.id}.display`,
      `/api/files/${draft.id}/.display`,
      `/api/files/${draft.id.toUpperCase()}/display`,
    ];
    // The contents of the files next to the blobs must never come back.
    const key = JSON.parse(readFileSync(path.join(server.dataDir, 'dev-jwt-key.json'), 'utf8')) as {
      secret: string;
    };
    const secrets = ['SQLite format', key.secret, 'root:x:'];
    for (const url of paths) {
      // Sent as written: no client-side normalisation of `..`.
      const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
        const req = request(
          `${server.url}${url}`,
          { headers: { authorization: `Bearer ${alice.token()}` } },
          (res) => {
            let body = '';
            res.setEncoding('latin1');
            res.on('data', (chunk: string) => (body += chunk));
            res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
          },
        );
        req.path = url;
        req.on('error', reject);
        req.end();
      });
      expect([400, 404], url).toContain(answer.status);
      for (const secret of secrets) expect(answer.body, url).not.toContain(secret);
    }
    expect(existsSync(path.join(server.dataDir, 'parley.db'))).toBe(true);
  });
});

describe('avatars', () => {
  it('sets the avatar from my upload and shows it to every signed-in user', async () => {
    const alice = await signUp(server, 'alice');
    const bob = await signUp(server, 'bob');
    const picture = await uploaded(alice, await fixtures.png(600, 600));

    const me = await alice.http.users.updateProfile.mutate({ avatarId: picture.id });
    expect(me.avatarId).toBe(picture.id);
    expect((await alice.http.auth.me.query()).avatarId).toBe(picture.id);
    const listed = await bob.http.users.search.query({ q: alice.username });
    expect(listed[0]).toMatchObject({ id: alice.user.id, avatarId: picture.id });

    const thumb = await download(server, bob.token(), `/api/files/${picture.id}/thumb`);
    expect(thumb.status).toBe(200);
    expect(thumb.headers.get('content-type')).toBe('image/png');
    expect((await sharp(thumb.bytes).metadata()).width).toBe(320);
    expect(await status(undefined, `/api/files/${picture.id}/thumb`)).toBe(401);

    // The profile's other fields change with it, or without it.
    const renamed = await alice.http.users.updateProfile.mutate({ displayName: 'Alice A.' });
    expect(renamed).toMatchObject({ displayName: 'Alice A.', avatarId: picture.id });
  });

  it('replaces and removes the avatar; the old one is private again', async () => {
    const alice = await signUp(server, 'alice');
    const bob = await signUp(server, 'bob');
    const first = await uploaded(alice);
    const second = await uploaded(alice);
    await alice.http.users.updateProfile.mutate({ avatarId: first.id });

    const replaced = await alice.http.users.updateProfile.mutate({
      avatarId: second.id,
      bio: 'new look',
    });
    expect(replaced).toMatchObject({ avatarId: second.id, bio: 'new look' });
    expect(await status(bob, first.thumbUrl)).toBe(404);
    expect(await status(alice, first.thumbUrl)).toBe(200);
    expect(await status(bob, second.thumbUrl)).toBe(200);

    expect((await alice.http.users.updateProfile.mutate({ avatarId: null })).avatarId).toBeNull();
    expect(await status(bob, second.thumbUrl)).toBe(404);
  });

  it('refuses another user’s image, a sent image, or sending the avatar in a message', async () => {
    const alice = await signUp(server, 'alice');
    const bob = await signUp(server, 'bob');
    const bobs = await uploaded(bob);
    const sent = await uploaded(alice);
    await alice.http.chat.send.mutate({
      to: bob.user.id,
      attachmentIds: [sent.id],
      clientMessageId: cid(),
    });
    const avatar = await uploaded(alice);
    await alice.http.users.updateProfile.mutate({ avatarId: avatar.id });

    const foreign = await rejection(alice.http.users.updateProfile.mutate({ avatarId: bobs.id }));
    expect(foreign.data?.code).toBe('NOT_FOUND');
    const used = await rejection(
      alice.http.users.updateProfile.mutate({ avatarId: sent.id, displayName: 'Not applied' }),
    );
    expect(used.data?.code).toBe('CONFLICT');
    expect(used.message).toMatch(/sent in a message/);
    const asMessage = await rejection(
      alice.http.chat.send.mutate({
        to: bob.user.id,
        attachmentIds: [avatar.id],
        clientMessageId: cid(),
      }),
    );
    expect(asMessage.data?.code).toBe('CONFLICT');
    expect(asMessage.message).toMatch(/profile picture/);

    expect(await alice.http.auth.me.query()).toMatchObject({
      avatarId: avatar.id,
      displayName: alice.user.displayName,
    });
    const bad = await rejection(alice.http.users.updateProfile.mutate({ avatarId: '' }));
    expect(bad.data?.code).toBe('BAD_REQUEST');
  });
});

describe('garbage collection', () => {
  it('deletes uploads unused for a day, with their files, and keeps sent ones and avatars', async () => {
    const day = 24 * 3600 * 1000;
    // Everything below happens 25 hours ago, by the server's clock.
    clockOffsetMs = -25 * 3600 * 1000;
    try {
      const alice = await signUp(server, 'alice');
      const bob = await signUp(server, 'bob');
      const forgotten = await uploaded(alice);
      const sent = await uploaded(alice);
      const avatar = await uploaded(alice);
      await alice.http.chat.send.mutate({
        to: bob.user.id,
        attachmentIds: [sent.id],
        clientMessageId: cid(),
      });
      await alice.http.users.updateProfile.mutate({ avatarId: avatar.id });
      const filesOf = async (id: string) =>
        (await blobFiles(server.dataDir)).filter((file) => file.includes(id));
      expect(await filesOf(forgotten.id)).toHaveLength(2);

      // 23 hours later: not a day old yet, nothing goes.
      clockOffsetMs += 23 * 3600 * 1000;
      expect(await server.app.collectUploadGarbage()).toBe(0);

      // Now: the forgotten upload is 25 hours old.
      clockOffsetMs = 0;
      for (const who of [alice, bob]) {
        const refreshed = await httpClient(server).auth.refresh.mutate({
          refreshToken: who.session.refreshToken!,
        });
        who.setToken(refreshed.accessToken);
      }
      const fresh = await uploaded(alice);
      expect(await server.app.collectUploadGarbage()).toBe(1);

      expect(await filesOf(forgotten.id)).toEqual([]);
      expect(await status(alice, forgotten.url)).toBe(404);
      const gone = await rejection(
        alice.http.chat.send.mutate({
          to: bob.user.id,
          attachmentIds: [forgotten.id],
          clientMessageId: cid(),
        }),
      );
      expect(gone.data?.code).toBe('NOT_FOUND');
      for (const kept of [sent, avatar, fresh]) {
        expect(await filesOf(kept.id)).toHaveLength(2);
        expect(await status(alice, kept.url)).toBe(200);
      }
      expect(await status(bob, sent.url)).toBe(200);
      expect(await status(bob, avatar.thumbUrl)).toBe(200);

      // A day after that, the fresh one goes too, and nothing else.
      clockOffsetMs = day + 3600 * 1000;
      expect(await server.app.collectUploadGarbage()).toBeGreaterThanOrEqual(1);
      expect(await filesOf(fresh.id)).toEqual([]);
      expect(await filesOf(sent.id)).toHaveLength(2);
      expect(await filesOf(avatar.id)).toHaveLength(2);
    } finally {
      clockOffsetMs = 0;
    }
  });
});
