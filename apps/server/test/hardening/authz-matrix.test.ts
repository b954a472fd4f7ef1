/**
 * The authorisation matrix: every procedure of the router and every HTTP route, for every kind of
 * caller, over HTTP (subscriptions as Server-Sent Events) and over the WebSocket. The rows are
 * checked against the router's own list of procedures and Fastify's list of routes, so adding
 * either without a row here fails.
 */
import { createECDH, randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { appRouter, type AppRouter } from '@parley/api';
import type { TRPCClientError } from '@trpc/client';
import superjson from 'superjson';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  collectEvents,
  httpClient,
  rejection,
  signUp,
  startTestServer,
  wsClient,
  type TestServer,
} from '../harness.ts';
import { openEventStream } from '../event-stream.ts';
import { forgeTokens, signedInSocket, trpcCodeOf, trpcMessageOf } from './support.ts';

const CALLERS = [
  'anonymous',
  'expired',
  'revoked',
  'algNone',
  'wrongKey',
  'changedSub',
  'otherUser',
  'owner',
] as const;
type Caller = (typeof CALLERS)[number];
const BAD_TOKENS = [
  'expired',
  'revoked',
  'algNone',
  'wrongKey',
  'changedSub',
] as const satisfies readonly Caller[];
/** What each refused token is told: a person can tell "sign in again" from "refresh". */
const BAD_TOKEN_MESSAGE: Record<(typeof BAD_TOKENS)[number], RegExp> = {
  expired: /expired/i,
  revoked: /ended/i,
  algNone: /not valid/i,
  wrongKey: /not valid/i,
  changedSub: /not valid/i,
};

type Client = ReturnType<typeof httpClient>;
type Signed = Awaited<ReturnType<typeof signUp>>;

interface Fixture {
  server: TestServer;
  alice: Signed;
  bob: Signed;
  eve: Signed;
  /** A message from Bob to Alice: the owner's data. */
  m1: { id: string; conversationId: string };
  /** A clientMessageId Alice already used, and her message sent with it. */
  aliceCid: string;
  aliceMessage: { id: string };
  /** Alice's direct conversation with Bob. */
  conversationId: string;
  /** A fresh group of Alice's (its owner) with Bob as a member. */
  newGroup(opts?: { isPublic?: boolean }): Promise<string>;
  /** Alice's tokens that must be refused. */
  revokedToken: string;
  forged: ReturnType<typeof forgeTokens>;
  /** A fresh signed-in session of this user (for procedures that end or rotate sessions). */
  freshSession(who: Signed): Promise<{ accessToken: string; refreshToken: string }>;
  /** Someone nobody converses with, to block and unblock. */
  target: Signed;
  /** An administrator of the server (ADMIN_USERNAMES). */
  admin: Signed;
}

/** How a caller's call came out; `check` is the row's own verdict on a successful answer. */
type Outcome = { code: 'ok' } | { code: string; message: string };
type Check = (result: unknown, f: Fixture, token: string | undefined) => Promise<void> | void;

interface Row {
  kind: 'query' | 'mutation' | 'subscription';
  access: 'public' | 'protected';
  /** The input, aimed at the owner's data. */
  input(f: Fixture): Promise<unknown> | unknown;
  /** The token the owner (or the other user) calls with; default: their long-lived one. */
  token?(f: Fixture, who: Signed): Promise<string>;
  /** Verdict on the owner's answer; public procedures give every caller this answer. */
  owner: Check;
  /** Another signed-in user sends the same input (or `otherInput`): the right answer (an error code, or a check). */
  other: Check | string;
  otherInput?(f: Fixture): unknown;
}

/** A browser's push subscription: a fresh device on a port nothing listens on. */
function pushSubscription() {
  const ecdh = createECDH('prime256v1');
  ecdh.generateKeys();
  return {
    endpoint: `http://127.0.0.1:9/push/${crypto.randomUUID()}`,
    keys: {
      p256dh: ecdh.getPublicKey().toString('base64url'),
      auth: randomBytes(16).toString('base64url'),
    },
  };
}

/** A web page on loopback for linkPreviews.get (the matrix server allows 127.0.0.1). */
const page = http.createServer((_req, res) =>
  res
    .writeHead(200, { 'content-type': 'text/html' })
    .end('<head><meta property="og:title" content="Matrix page"></head>'),
);
async function pageUrl(): Promise<string> {
  if (!page.listening) await new Promise<void>((resolve) => page.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(page.address() as AddressInfo).port}/`;
}

let seq = 0;
const unique = (prefix: string) => `${prefix}${Date.now().toString(36)}${(seq++).toString(36)}`;
const cid = () => `cid_${crypto.randomUUID()}`;

const ROWS: Record<string, Row> = {
  'auth.signup': {
    kind: 'mutation',
    access: 'public',
    input: () => {
      const username = unique('mx_');
      return { username, email: `${username}@example.com`, password: `correct horse ${username}` };
    },
    owner: (r) => expect((r as { user: { username: string } }).user.username).toMatch(/^mx_/),
    other: (r) => expect((r as { user: { username: string } }).user.username).toMatch(/^mx_/),
  },
  'auth.login': {
    kind: 'mutation',
    access: 'public',
    input: (f) => ({ login: f.alice.username, password: f.alice.password }),
    owner: (r, f) => expect((r as { user: { id: string } }).user.id).toBe(f.alice.user.id),
    other: (r, f) => expect((r as { user: { id: string } }).user.id).toBe(f.alice.user.id),
  },
  'auth.refresh': {
    kind: 'mutation',
    access: 'public',
    input: async (f) => ({ refreshToken: (await f.freshSession(f.alice)).refreshToken }),
    owner: (r, f) => expect((r as { user: { id: string } }).user.id).toBe(f.alice.user.id),
    other: (r, f) => expect((r as { user: { id: string } }).user.id).toBe(f.alice.user.id),
  },
  'auth.logout': {
    kind: 'mutation',
    access: 'protected',
    input: () => undefined,
    token: async (f, who) => (await f.freshSession(who)).accessToken,
    owner: async (r, f, token) => {
      expect(r).toEqual({ ok: true });
      expect((await rejection(httpClient(f.server, () => token).auth.me.query())).data?.code).toBe(
        'UNAUTHORIZED',
      );
    },
    // Another user's logout ends their own session, never the owner's.
    other: async (r, f) => {
      expect(r).toEqual({ ok: true });
      expect((await f.alice.http.auth.me.query()).id).toBe(f.alice.user.id);
    },
  },
  'auth.me': {
    kind: 'query',
    access: 'protected',
    input: () => undefined,
    owner: (r, f) =>
      expect(r).toMatchObject({
        id: f.alice.user.id,
        email: `${f.alice.username}@example.com`,
        isAdmin: false,
      }),
    other: (r, f) =>
      expect(r).toMatchObject({
        id: f.eve.user.id,
        email: `${f.eve.username}@example.com`,
        isAdmin: false,
      }),
  },
  'users.list': {
    kind: 'query',
    access: 'protected',
    input: () => ({ limit: 100 }),
    owner: (r, f) => {
      const items = (r as { items: Array<Record<string, unknown>> }).items;
      expect(items.map((u) => u.id)).not.toContain(f.alice.user.id);
      for (const u of items) expect(u).not.toHaveProperty('email');
    },
    other: (r, f) => {
      const items = (r as { items: Array<Record<string, unknown>> }).items;
      expect(items.map((u) => u.id)).toContain(f.alice.user.id);
      for (const u of items) expect(Object.keys(u)).not.toContain('email');
      for (const u of items) expect(Object.keys(u)).not.toContain('passwordHash');
    },
  },
  'users.search': {
    kind: 'query',
    access: 'protected',
    input: (f) => ({ q: f.alice.username }),
    owner: (r) => expect(r).toEqual([]),
    other: (r, f) => {
      const found = r as Array<Record<string, unknown>>;
      expect(found.map((u) => u.id)).toEqual([f.alice.user.id]);
      expect(Object.keys(found[0] ?? {})).not.toContain('email');
    },
  },
  'users.block': {
    kind: 'mutation',
    access: 'protected',
    input: (f) => ({ userId: f.target.user.id }),
    owner: (r, f) => expect(r).toEqual({ userId: f.target.user.id, blocked: true }),
    // Eve's block is her own.
    other: async (r, f) => {
      expect(r).toEqual({ userId: f.target.user.id, blocked: true });
      const mine = await f.eve.http.users.blocked.query();
      expect(mine.map((b) => b.user.id)).toEqual([f.target.user.id]);
    },
  },
  'users.unblock': {
    kind: 'mutation',
    access: 'protected',
    input: (f) => ({ userId: f.target.user.id }),
    owner: (r, f) => expect(r).toEqual({ userId: f.target.user.id, blocked: false }),
    other: (r, f) => expect(r).toEqual({ userId: f.target.user.id, blocked: false }),
  },
  'users.blocked': {
    kind: 'query',
    access: 'protected',
    input: () => undefined,
    owner: (r) => expect(Array.isArray(r)).toBe(true),
    other: (r, f) =>
      expect((r as Array<{ user: { id: string } }>).map((b) => b.user.id)).not.toContain(
        f.bob.user.id,
      ),
  },
  'users.report': {
    kind: 'mutation',
    access: 'protected',
    // Bob's message to Alice: only she may report it; Eve cannot see it.
    input: (f) => ({ messageId: f.m1.id, reason: 'spam' }),
    owner: (r) => expect(r).toMatchObject({ status: 'open' }),
    other: 'NOT_FOUND',
  },
  'users.settings': {
    kind: 'query',
    access: 'protected',
    input: () => undefined,
    owner: (r) =>
      expect(r).toMatchObject({ lastSeen: expect.any(String), readReceipts: expect.any(Boolean) }),
    other: (r) => expect(r).toMatchObject({ lastSeen: expect.any(String) }),
  },
  'users.updateSettings': {
    kind: 'mutation',
    access: 'protected',
    input: () => ({ notificationPreviews: true }),
    owner: (r) => expect(r).toMatchObject({ notificationPreviews: true }),
    other: (r) => expect(r).toMatchObject({ notificationPreviews: true }),
  },
  'admin.reports': {
    kind: 'query',
    access: 'protected',
    input: () => ({ status: 'open' }),
    // "The owner" is the server's administrator here; anyone else is refused.
    token: async (f, who) => (who === f.alice ? f.admin.token() : who.token()),
    owner: (r) => {
      const items = (r as { items: Array<{ reporter: unknown; reported: unknown }> }).items;
      expect(items).toBeInstanceOf(Array);
      for (const item of items)
        expect(item).toMatchObject({
          reporter: { displayName: expect.any(String) },
          reported: { displayName: expect.any(String) },
        });
    },
    other: 'FORBIDDEN',
  },
  'admin.resolveReport': {
    kind: 'mutation',
    access: 'protected',
    input: async (f) => ({
      reportId: (await f.alice.http.users.report.mutate({ userId: f.bob.user.id, reason: 'other' }))
        .id,
      resolution: 'looked into it',
    }),
    token: async (f, who) => (who === f.alice ? f.admin.token() : who.token()),
    owner: (r) => expect(r).toMatchObject({ status: 'resolved', resolution: 'looked into it' }),
    other: 'FORBIDDEN',
  },
  'users.updateProfile': {
    kind: 'mutation',
    access: 'protected',
    input: () => ({ bio: unique('bio ') }),
    owner: (r, f) => expect((r as { id: string }).id).toBe(f.alice.user.id),
    other: async (r, f) => {
      expect((r as { id: string }).id).toBe(f.eve.user.id);
      expect((await f.alice.http.auth.me.query()).bio).not.toBe((r as { bio: string }).bio);
    },
  },
  'users.get': {
    kind: 'query',
    access: 'protected',
    input: (f) => ({ ids: [f.bob.user.id, 'no-such-user'] }),
    owner: (r, f) => {
      const found = r as Array<Record<string, unknown>>;
      expect(found.map((u) => u.id)).toEqual([f.bob.user.id]);
      expect(Object.keys(found[0] ?? {})).not.toContain('email');
    },
    other: (r, f) => expect((r as Array<{ id: string }>).map((u) => u.id)).toEqual([f.bob.user.id]),
  },
  'chat.conversations': {
    kind: 'query',
    access: 'protected',
    input: () => ({ limit: 50 }),
    owner: (r, f) => {
      const items = (r as { items: Array<{ peer: { id: string } | null }> }).items;
      expect(items.map((c) => c.peer?.id)).toContain(f.bob.user.id);
    },
    other: (r, f) => {
      const items = (r as { items: Array<{ id: string }> }).items;
      expect(items.map((c) => c.id)).not.toContain(f.conversationId);
    },
  },
  'chat.conversation': {
    kind: 'query',
    access: 'protected',
    input: (f) => ({ conversationId: f.conversationId }),
    owner: (r, f) => expect(r).toMatchObject({ id: f.conversationId, peer: { id: f.bob.user.id } }),
    other: 'NOT_FOUND',
  },
  'chat.history': {
    kind: 'query',
    access: 'protected',
    input: (f) => ({ conversationId: f.conversationId, limit: 50 }),
    owner: (r, f) =>
      expect((r as { items: Array<{ id: string }> }).items.map((m) => m.id)).toContain(f.m1.id),
    other: 'NOT_FOUND',
  },
  'chat.send': {
    kind: 'mutation',
    access: 'protected',
    // The same clientMessageId Alice used: idempotency keys belong to their sender.
    input: (f) => ({ to: f.bob.user.id, text: 'matrix', clientMessageId: f.aliceCid }),
    owner: (r, f) => expect((r as { senderId: string }).senderId).toBe(f.alice.user.id),
    other: async (r, f) => {
      const message = r as { senderId: string; id: string };
      expect(message.senderId).toBe(f.eve.user.id);
      const aliceHistory = await f.alice.http.chat.history.query({
        conversationId: f.conversationId,
        limit: 100,
      });
      expect(aliceHistory.items.map((m) => m.id)).not.toContain(message.id);
    },
  },
  'chat.ackDelivered': {
    kind: 'mutation',
    access: 'protected',
    input: (f) => ({ conversationId: f.conversationId, upTo: f.m1.id }),
    owner: (r) => expect(r).toBeTruthy(),
    other: 'NOT_FOUND',
  },
  'chat.markRead': {
    kind: 'mutation',
    access: 'protected',
    input: (f) => ({ conversationId: f.conversationId, upTo: f.m1.id }),
    owner: (r) => expect(r).toBeTruthy(),
    other: 'NOT_FOUND',
  },
  'chat.typing': {
    kind: 'mutation',
    access: 'protected',
    input: (f) => ({ conversationId: f.conversationId, isTyping: false }),
    owner: (r) => expect(r).toEqual({ ok: true }),
    other: 'NOT_FOUND',
  },
  'chat.messageInfo': {
    kind: 'query',
    access: 'protected',
    input: (f) => ({ messageId: f.aliceMessage.id }),
    owner: (r, f) =>
      expect(
        (r as { members: Array<{ user: { id: string } }> }).members.map((m) => m.user.id),
      ).toEqual([f.bob.user.id]),
    other: 'NOT_FOUND',
  },
  'chat.edit': {
    kind: 'mutation',
    access: 'protected',
    input: (f) => ({ messageId: f.aliceMessage.id, text: 'first, edited' }),
    owner: (r) => expect(r).toMatchObject({ text: 'first, edited', editedAt: expect.any(Date) }),
    other: 'NOT_FOUND',
  },
  'chat.delete': {
    kind: 'mutation',
    access: 'protected',
    // A fresh message from Bob, hidden for the caller only.
    input: async (f) => ({
      messageId: (
        await f.bob.http.chat.send.mutate({
          to: f.alice.user.id,
          text: 'hide me',
          clientMessageId: cid(),
        })
      ).id,
      forEveryone: false,
    }),
    owner: async (r, f) => {
      const page = await f.alice.http.chat.history.query({
        conversationId: f.conversationId,
        limit: 100,
      });
      expect(page.items.map((m) => m.id)).not.toContain((r as { id: string }).id);
    },
    other: 'NOT_FOUND',
  },
  'chat.react': {
    kind: 'mutation',
    access: 'protected',
    input: (f) => ({ messageId: f.m1.id, emoji: '👍', on: true }),
    owner: (r, f) =>
      expect((r as { reactions: Array<{ userIds: string[] }> }).reactions[0]?.userIds).toContain(
        f.alice.user.id,
      ),
    other: 'NOT_FOUND',
  },
  'chat.forward': {
    kind: 'mutation',
    access: 'protected',
    input: (f) => ({
      messageId: f.m1.id,
      conversationIds: [f.conversationId],
      clientMessageId: cid(),
    }),
    owner: (r, f) =>
      expect(r).toEqual([expect.objectContaining({ forwarded: true, senderId: f.alice.user.id })]),
    other: 'NOT_FOUND',
  },
  'chat.pin': {
    kind: 'mutation',
    access: 'protected',
    input: (f) => ({ messageId: f.m1.id, pinned: true }),
    owner: (r) => expect(r).toMatchObject({ pinnedAt: expect.any(Date) }),
    other: 'NOT_FOUND',
  },
  'chat.pinned': {
    kind: 'query',
    access: 'protected',
    input: (f) => ({ conversationId: f.conversationId }),
    owner: (r) => expect(Array.isArray(r)).toBe(true),
    other: 'NOT_FOUND',
  },
  'chat.search': {
    kind: 'query',
    access: 'protected',
    // Bob's message to Alice: she finds it; another user searching the same words does not.
    input: () => ({ q: 'for alice only', limit: 10 }),
    owner: (r, f) =>
      expect(
        (r as { items: Array<{ message: { id: string } }> }).items.map((h) => h.message.id),
      ).toContain(f.m1.id),
    other: (r, f) =>
      expect(
        (r as { items: Array<{ message: { id: string } }> }).items.map((h) => h.message.id),
      ).not.toContain(f.m1.id),
  },
  'chat.organise': {
    kind: 'mutation',
    access: 'protected',
    input: (f) => ({ conversationId: f.conversationId, pinned: true }),
    owner: (r, f) => expect(r).toMatchObject({ id: f.conversationId, pinnedAt: expect.any(Date) }),
    other: 'NOT_FOUND',
  },
  'notifications.publicKey': {
    kind: 'query',
    access: 'protected',
    input: () => undefined,
    owner: (r) => expect((r as { publicKey: string }).publicKey).toMatch(/^[A-Za-z0-9_-]{87}$/),
    other: (r) => expect((r as { publicKey: string }).publicKey).toMatch(/^[A-Za-z0-9_-]{87}$/),
  },
  'notifications.subscribe': {
    kind: 'mutation',
    access: 'protected',
    input: () => pushSubscription(),
    owner: (r) => expect(r).toEqual({ ok: true }),
    other: (r) => expect(r).toEqual({ ok: true }),
  },
  'notifications.unsubscribe': {
    kind: 'mutation',
    access: 'protected',
    // One of Alice's devices: only she can unsubscribe it.
    input: async (f) => {
      const subscription = pushSubscription();
      await f.alice.http.notifications.subscribe.mutate(subscription);
      return { endpoint: subscription.endpoint };
    },
    owner: (r) => expect(r).toEqual({ removed: true }),
    other: (r) => expect(r).toEqual({ removed: false }),
  },
  'linkPreviews.get': {
    kind: 'query',
    access: 'protected',
    input: async () => ({ url: await pageUrl() }),
    owner: (r) => expect(r).toMatchObject({ title: 'Matrix page', image: null }),
    other: (r) => expect(r).toMatchObject({ title: 'Matrix page', image: null }),
  },
  'groups.create': {
    kind: 'mutation',
    access: 'protected',
    input: (f) => ({ title: unique('matrix '), memberIds: [f.bob.user.id] }),
    owner: (r) => expect(r).toMatchObject({ kind: 'group', myRole: 'owner', memberCount: 2 }),
    other: (r) => expect(r).toMatchObject({ kind: 'group', myRole: 'owner', memberCount: 2 }),
  },
  'groups.update': {
    kind: 'mutation',
    access: 'protected',
    input: async (f) => ({ conversationId: await f.newGroup(), title: 'Renamed by the matrix' }),
    owner: (r) => expect(r).toMatchObject({ title: 'Renamed by the matrix' }),
    other: 'NOT_FOUND',
  },
  'groups.addMembers': {
    kind: 'mutation',
    access: 'protected',
    input: async (f) => ({ conversationId: await f.newGroup(), userIds: [f.eve.user.id] }),
    owner: (r) => expect(r).toMatchObject({ memberCount: 3 }),
    other: 'NOT_FOUND',
  },
  'groups.removeMember': {
    kind: 'mutation',
    access: 'protected',
    input: async (f) => ({ conversationId: await f.newGroup(), userId: f.bob.user.id }),
    owner: (r) => expect(r).toMatchObject({ memberCount: 1 }),
    other: 'NOT_FOUND',
  },
  'groups.leave': {
    kind: 'mutation',
    access: 'protected',
    input: async (f) => ({ conversationId: await f.newGroup() }),
    owner: (r) => expect(r).toMatchObject({ myRole: null, memberCount: 1 }),
    other: 'NOT_FOUND',
  },
  'groups.setRole': {
    kind: 'mutation',
    access: 'protected',
    input: async (f) => ({
      conversationId: await f.newGroup(),
      userId: f.bob.user.id,
      role: 'admin',
    }),
    owner: async (r, f) => {
      const members = await f.alice.http.groups.members.query({
        conversationId: (r as { id: string }).id,
      });
      expect(members.items.find((m) => m.user.id === f.bob.user.id)?.role).toBe('admin');
    },
    other: 'NOT_FOUND',
  },
  'groups.members': {
    kind: 'query',
    access: 'protected',
    input: async (f) => ({ conversationId: await f.newGroup() }),
    owner: (r, f) =>
      expect(
        (r as { items: Array<{ user: { id: string }; role: string }> }).items.map((m) => [
          m.user.id,
          m.role,
        ]),
      ).toEqual([
        [f.alice.user.id, 'owner'],
        [f.bob.user.id, 'member'],
      ]),
    other: 'NOT_FOUND',
  },
  'groups.browse': {
    kind: 'query',
    access: 'protected',
    // Alice's new public group, found by the first word of its title by anyone signed in.
    input: async (f) => {
      await f.newGroup({ isPublic: true });
      return { q: 'matrix', limit: 50 };
    },
    owner: (r) =>
      expect((r as { items: Array<{ title: string }> }).items.length).toBeGreaterThan(0),
    other: (r) =>
      expect((r as { items: Array<{ title: string }> }).items.length).toBeGreaterThan(0),
  },
  'groups.join': {
    kind: 'mutation',
    access: 'protected',
    // A public group of Bob's: anyone signed in may join it.
    input: async (f) => ({
      conversationId: (
        await f.bob.http.groups.create.mutate({
          title: 'matrix public',
          memberIds: [],
          isPublic: true,
        })
      ).id,
    }),
    owner: (r) => expect(r).toMatchObject({ myRole: 'member', memberCount: 2 }),
    other: (r) => expect(r).toMatchObject({ myRole: 'member', memberCount: 2 }),
  },
  'chat.events': {
    kind: 'subscription',
    access: 'protected',
    input: () => ({ lastEventId: '0' }),
    // Replayed from the start: the owner's stream has Bob's message; the other user's has none of theirs.
    owner: (r, f) => {
      const events = r as Array<{ type: string; message?: { id: string } }>;
      expect(events.filter((e) => e.type === 'message.new').map((e) => e.message?.id)).toContain(
        f.m1.id,
      );
    },
    other: (r, f) => {
      const events = r as Array<{ type: string; message?: { id: string; senderId: string } }>;
      expect(events.some((e) => e.type === 'ready')).toBe(true);
      for (const e of events) {
        expect(e.message?.senderId).not.toBe(f.alice.user.id);
        expect(e.message?.id).not.toBe(f.m1.id);
      }
    },
  },
};

let clock = Date.now();
let f: Fixture;

beforeAll(async () => {
  const server = await startTestServer({
    overrides: { now: () => new Date(clock) },
    env: { LOG_LEVEL: 'error', ADMIN_USERNAMES: 'matrix_admin', LINK_PREVIEW_ALLOW: '127.0.0.1' },
  });
  const [alice, bob, eve, target, admin] = [
    await signUp(server, 'owner'),
    await signUp(server, 'peer'),
    await signUp(server, 'other'),
    await signUp(server, 'target'),
    await signUp(server, 'matrix_admin', { exact: true }),
  ];
  const m1 = await bob.http.chat.send.mutate({
    to: alice.user.id,
    text: 'for alice only',
    clientMessageId: cid(),
  });
  const aliceCid = cid();
  const aliceMessage = await alice.http.chat.send.mutate({
    to: bob.user.id,
    text: 'first',
    clientMessageId: aliceCid,
  });
  const freshSession = async (who: Signed) => {
    const s = await httpClient(server).auth.login.mutate({
      login: who.username,
      password: who.password,
    });
    return { accessToken: s.accessToken, refreshToken: s.refreshToken ?? '' };
  };
  const revoked = await freshSession(alice);
  await httpClient(server, () => revoked.accessToken).auth.logout.mutate();
  f = {
    server,
    alice,
    bob,
    eve,
    m1,
    aliceCid,
    aliceMessage,
    conversationId: m1.conversationId,
    target,
    admin,
    newGroup: async (opts = {}) =>
      (
        await alice.http.groups.create.mutate({
          title: unique('matrix group '),
          memberIds: [bob.user.id],
          isPublic: opts.isPublic ?? false,
        })
      ).id,
    revokedToken: revoked.accessToken,
    forged: forgeTokens((await freshSession(alice)).accessToken, bob.user.id),
    freshSession,
  };
});
afterAll(async () => {
  await f.server.destroy();
  page.close();
});

/** The token each caller presents (undefined: none). */
async function tokenOf(caller: Caller, row: Row): Promise<string | undefined> {
  switch (caller) {
    case 'anonymous':
      return undefined;
    case 'owner':
      return row.token ? row.token(f, f.alice) : f.alice.token();
    case 'otherUser':
      return row.token ? row.token(f, f.eve) : f.eve.token();
    case 'expired':
      // Valid now; the clock moves 16 minutes ahead for the call.
      return f.alice.token();
    case 'revoked':
      return f.revokedToken;
    default:
      return f.forged[caller];
  }
}

/** Runs a caller's call with the stock client and reduces the answer to an outcome. */
async function outcome(
  call: () => Promise<unknown>,
  check: Check,
  token: string | undefined,
): Promise<Outcome & { message?: string }> {
  let result: unknown;
  try {
    result = await call();
  } catch (error) {
    const e = error as TRPCClientError<AppRouter>;
    return { code: e.data?.code ?? `not a tRPC error: ${String(error)}`, message: e.message };
  }
  try {
    await check(result, f, token);
    return { code: 'ok' };
  } catch (error) {
    return { code: `ok, but wrong: ${(error as Error).message.split('\n')[0]}`, message: '' };
  }
}

function invoke(client: Client, path: string, kind: Row['kind'], input: unknown): Promise<unknown> {
  const [area, name] = path.split('.') as [string, string];
  const procedure = (
    client as unknown as Record<
      string,
      Record<string, Record<string, (i: unknown) => Promise<unknown>>>
    >
  )[area]![name]!;
  return kind === 'query' ? procedure.query!(input) : procedure.mutate!(input);
}

/** Subscribes over a stock WebSocket client, collects until `ready`, and returns the events (or throws the error). */
async function subscribeOnce(token: string | undefined, input: unknown): Promise<unknown[]> {
  const ws = wsClient(f.server, () => token, { retryDelayMs: () => 60_000 });
  try {
    const stream = collectEvents(ws.client, (input as { lastEventId?: string }).lastEventId);
    const deadline = Date.now() + 5000;
    while (stream.errors.length === 0 && stream.of('ready').length === 0) {
      if (Date.now() > deadline) throw new Error('no answer to the subscription');
      await new Promise((r) => setTimeout(r, 10));
    }
    stream.unsubscribe();
    if (stream.errors.length > 0) throw stream.errors[0];
    return stream.items.map((i) => i.data);
  } finally {
    ws.close();
  }
}

/**
 * Subscribes over HTTP (Server-Sent Events, as tRPC's httpSubscriptionLink does), collects until
 * `ready`, and returns the events (or throws the error it answered with, as a client would).
 */
async function streamOnce(path: string, token: string | undefined, input: unknown) {
  const stream = await openEventStream(f.server.url, path, { token, input });
  try {
    const answer = await stream.collect();
    if ('error' in answer)
      throw Object.assign(new Error(answer.error.message), { data: { code: answer.error.code } });
    return answer.items.map((i) => i.data);
  } finally {
    stream.close();
  }
}

/** What the matrix requires of a caller on a procedure, over a transport. */
function expected(
  row: Row,
  caller: Caller,
  transport: 'http' | 'ws',
): { code: string; message?: RegExp } {
  const badToken = (BAD_TOKENS as readonly Caller[]).includes(caller)
    ? (caller as (typeof BAD_TOKENS)[number])
    : null;
  // The socket's context is built once, at connect: a refused token refuses every call on it.
  if (badToken && transport === 'ws')
    return { code: 'UNAUTHORIZED', message: BAD_TOKEN_MESSAGE[badToken] };
  if (row.access === 'public') return { code: 'ok' };
  if (caller === 'anonymous') return { code: 'UNAUTHORIZED', message: /^Sign in to do that\.$/ };
  if (badToken) return { code: 'UNAUTHORIZED', message: BAD_TOKEN_MESSAGE[badToken] };
  if (caller === 'otherUser') return { code: typeof row.other === 'string' ? row.other : 'ok' };
  return { code: 'ok' };
}

function checkFor(row: Row, caller: Caller): Check {
  if (caller === 'otherUser' && typeof row.other !== 'string') return row.other;
  return row.owner;
}

/** A raw WebSocket with the token in connectionParams: the first answer is the handshake's verdict. */
async function rawWsCall(token: string, path: string, kind: Row['kind'], input: unknown) {
  const socket = await signedInSocket(f.server.wsUrl, token);
  socket.ws.send(
    JSON.stringify({ id: 1, method: kind, params: { path, input: superjson.serialize(input) } }),
  );
  const closed = await Promise.race([socket.closing, new Promise((r) => setTimeout(r, 5000))]);
  socket.ws.terminate();
  const [first] = socket.json();
  return {
    code: trpcCodeOf(first) ?? `no error (closed: ${JSON.stringify(closed)})`,
    message: trpcMessageOf(first) ?? '',
  };
}

async function run(path: string, row: Row, caller: Caller, transport: 'http' | 'ws') {
  const moveClock = caller === 'expired';
  const token = await tokenOf(caller, row);
  const input =
    caller === 'otherUser' && row.otherInput ? await row.otherInput(f) : await row.input(f);
  if (moveClock) clock += 16 * 60 * 1000;
  try {
    if (transport === 'http') {
      if (row.kind === 'subscription')
        return await outcome(() => streamOnce(path, token, input), checkFor(row, caller), token);
      return await outcome(
        () =>
          invoke(
            httpClient(f.server, () => token),
            path,
            row.kind,
            input,
          ),
        checkFor(row, caller),
        token,
      );
    }
    const badToken = (BAD_TOKENS as readonly Caller[]).includes(caller);
    if (badToken) return await rawWsCall(token!, path, row.kind, input);
    if (row.kind === 'subscription')
      return await outcome(() => subscribeOnce(token, input), checkFor(row, caller), token);
    const ws = wsClient(f.server, () => token, { retryDelayMs: () => 60_000 });
    try {
      return await outcome(
        () => invoke(ws.client as unknown as Client, path, row.kind, input),
        checkFor(row, caller),
        token,
      );
    } finally {
      ws.close();
    }
  } finally {
    if (moveClock) clock -= 16 * 60 * 1000;
  }
}

describe('authorisation matrix', () => {
  it('has a row for every procedure of the router, of the right kind and access', () => {
    const procedures = appRouter._def.procedures as unknown as Record<
      string,
      { _def: { type: string } }
    >;
    const missing = Object.keys(procedures).filter((p) => !(p in ROWS));
    expect(missing, 'every procedure needs a row in the authorisation matrix').toEqual([]);
    expect(
      Object.keys(ROWS).filter((p) => !(p in procedures)),
      'rows for procedures that no longer exist',
    ).toEqual([]);
    for (const [path, procedure] of Object.entries(procedures))
      expect(`${path}:${procedure._def.type}`).toBe(`${path}:${ROWS[path]!.kind}`);
  });

  for (const path of Object.keys(appRouter._def.procedures)) {
    const row = ROWS[path];
    for (const transport of ['http', 'ws'] as const) {
      it.skipIf(!row)(
        `${path} over ${transport}: every caller gets exactly the right answer`,
        async () => {
          const mismatches: string[] = [];
          for (const caller of CALLERS) {
            const want = expected(row!, caller, transport);
            const got = await run(path, row!, caller, transport);
            const readable =
              got.code === 'ok' || (!!got.message && !/\n\s+at |stack/i.test(got.message));
            if (
              got.code !== want.code ||
              (want.message && !want.message.test(got.message ?? '')) ||
              !readable
            ) {
              mismatches.push(
                `${caller}: expected ${want.code}${want.message ? ` ${want.message}` : ''}, got ${got.code} "${got.message ?? ''}"`,
              );
            }
          }
          expect(mismatches).toEqual([]);
        },
      );
    }
  }
});

/** Fastify's route tree (a radix tree: each line adds to its parent's path) flattened to full paths. */
function routesOf(tree: string): Array<{ path: string; methods: string[] }> {
  const stack: string[] = [];
  const routes: Array<{ path: string; methods: string[] }> = [];
  for (const line of tree.split('\n')) {
    const match = /^([│ ]*)(?:├── |└── )(.+) \(([^)]+)\)$/.exec(line);
    if (!match) continue;
    const depth = match[1]!.length / 4;
    const parent = depth > 0 ? stack[depth - 1]! : '';
    const name = match[2]!;
    // A child is printed as the rest of its parent's path (`/assets/app.js` then `.gz`).
    const full = parent + name;
    stack[depth] = full;
    stack.length = depth + 1;
    routes.push({ path: full, methods: match[3]!.split(', ') });
  }
  return routes;
}

/** Every HTTP route and who may use it. Procedures under /trpc/:path are the matrix above. */
const ROUTES: Array<{ pattern: RegExp; what: string }> = [
  { pattern: /^\/$/, what: 'the web app: public, no data' },
  { pattern: /^\/healthz$/, what: 'health: public, status only' },
  { pattern: /^\/trpc$/, what: 'the WebSocket: auth per connection (the matrix over ws)' },
  {
    pattern: /^\/trpc\/:path$/,
    what: 'procedures (the matrix over http; subscriptions as Server-Sent Events, GET)',
  },
  {
    pattern:
      /^\/((index\.html|sw\.js)(\.gz|\.br)?|favicon\.[a-z]+|robots\.txt|manifest\.webmanifest|assets\/[\w.-]+)$/,
    what: 'static web files (and their precompressed copies, the service worker): public',
  },
  { pattern: /^\*$/, what: 'CORS preflight' },
  {
    pattern: /^\/api\/uploads$/,
    what: 'image, file (?kind=file) and voice note (?kind=voice) upload: signed-in users (test/uploads.test.ts, test/files.test.ts)',
  },
  {
    pattern: /^\/api\/files\/:id\/:variant$/,
    what: 'images, files and voice notes: whoever may see their message, profile and group pictures to signed-in users, drafts to their owner (test/attachments.test.ts, test/files.test.ts)',
  },
  {
    pattern: /^\/api\/link-images\/:name$/,
    what: 'link preview pictures (from the web): signed-in users (test/link-previews.test.ts)',
  },
];

describe('routes', () => {
  it('has a row for every HTTP route', () => {
    const routes = routesOf(f.server.app.printRoutes({ commonPrefix: false }));
    expect(routes.map((r) => r.path)).toContain('/healthz');
    const unknown = routes
      .filter((r) => !ROUTES.some((row) => row.pattern.test(r.path)))
      .map((r) => r.path);
    expect(unknown, 'every route needs a row in ROUTES (and a decision on who may use it)').toEqual(
      [],
    );
  });

  it('answers public routes the same to every caller, with nothing private in them', async () => {
    const tokens = [
      undefined,
      f.alice.token(),
      'garbage',
      ...Object.values(forgeTokens(f.alice.token(), f.bob.user.id)),
    ];
    for (const token of tokens) {
      const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
      const health = await fetch(`${f.server.url}/healthz`, { headers });
      expect(health.status).toBe(200);
      expect(await health.json()).toEqual({ status: 'ok', store: 'up' });
      const page = await fetch(`${f.server.url}/`, {
        headers: { ...headers, accept: 'text/html' },
      });
      expect(page.status).toBe(200);
      const html = await page.text();
      expect(html).not.toContain(f.alice.user.id);
      // A GET without the upgrade is not a way in either.
      expect((await fetch(`${f.server.url}/trpc`, { headers })).status).toBe(404);
    }
  });
});
