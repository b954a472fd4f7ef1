/**
 * The authorisation matrix of conversations and groups: every procedure that acts on a
 * conversation, for every standing a caller can have in a group — anonymous, not a member,
 * member, admin, owner, removed member — over HTTP and over the WebSocket. Each cell runs on a
 * fresh group, so what one caller did never decides what the next one gets. Like the main
 * matrix, it fails when a procedure of these areas has no row.
 */
import { appRouter, type AppRouter } from '@parley/api';
import type { TRPCClientError } from '@trpc/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpClient, signUp, startTestServer, wsClient, type TestServer } from '../harness.ts';

const ROLES = ['anonymous', 'nonMember', 'member', 'admin', 'owner', 'removed'] as const;
type Role = (typeof ROLES)[number];
type Signed = Awaited<ReturnType<typeof signUp>>;

/** A fresh group: its owner, an admin, a member, a removed member, and a member to act on. */
interface Cell {
  conversationId: string;
  /** A message of the owner's, sent while everyone was in. */
  ownerMessage: { id: string };
  target: Signed;
  /** Someone in no group yet, to add. */
  newcomer: Signed;
}

/** Per role: 'ok' (then `check` runs on the answer) or the tRPC code the caller must get. */
type Want = Record<Role, 'ok' | string>;

interface Row {
  kind: 'query' | 'mutation';
  input(cell: Cell): unknown;
  want: Want;
  check?(result: unknown, cell: Cell, role: Role): Promise<void> | void;
}

const MEMBERS_ONLY: Want = {
  anonymous: 'UNAUTHORIZED',
  nonMember: 'NOT_FOUND',
  member: 'ok',
  admin: 'ok',
  owner: 'ok',
  removed: 'FORBIDDEN',
};
const READABLE: Want = { ...MEMBERS_ONLY, removed: 'ok' };
const MANAGERS: Want = { ...MEMBERS_ONLY, member: 'FORBIDDEN' };
const OWNER: Want = { ...MANAGERS, admin: 'FORBIDDEN' };
const SIGNED_IN: Want = {
  anonymous: 'UNAUTHORIZED',
  nonMember: 'ok',
  member: 'ok',
  admin: 'ok',
  owner: 'ok',
  removed: 'ok',
};

const cid = () => `gm_${crypto.randomUUID()}`;

const ROWS: Record<string, Row> = {
  'chat.conversation': {
    kind: 'query',
    input: (c) => ({ conversationId: c.conversationId }),
    want: READABLE,
    check: (r, c, role) =>
      expect(r).toMatchObject({
        id: c.conversationId,
        myRole:
          role === 'removed'
            ? null
            : role === 'owner'
              ? 'owner'
              : role === 'admin'
                ? 'admin'
                : 'member',
      }),
  },
  'chat.history': {
    kind: 'query',
    input: (c) => ({ conversationId: c.conversationId, limit: 50 }),
    want: READABLE,
    check: (r, c) =>
      expect((r as { items: Array<{ id: string }> }).items.map((m) => m.id)).toContain(
        c.ownerMessage.id,
      ),
  },
  'chat.send': {
    kind: 'mutation',
    input: (c) => ({ conversationId: c.conversationId, text: 'matrix', clientMessageId: cid() }),
    want: MEMBERS_ONLY,
    check: (r, c) => expect(r).toMatchObject({ conversationId: c.conversationId, text: 'matrix' }),
  },
  'chat.ackDelivered': {
    kind: 'mutation',
    input: (c) => ({ conversationId: c.conversationId, upTo: c.ownerMessage.id }),
    want: MEMBERS_ONLY,
    check: (r) => expect(r).toMatchObject({ deliveredSeq: expect.any(Number) }),
  },
  'chat.markRead': {
    kind: 'mutation',
    input: (c) => ({ conversationId: c.conversationId, upTo: c.ownerMessage.id }),
    want: MEMBERS_ONLY,
    check: (r) => expect(r).toMatchObject({ readSeq: expect.any(Number) }),
  },
  'chat.typing': {
    kind: 'mutation',
    input: (c) => ({ conversationId: c.conversationId, isTyping: true }),
    want: MEMBERS_ONLY,
    check: (r) => expect(r).toEqual({ ok: true }),
  },
  'chat.messageInfo': {
    kind: 'query',
    input: (c) => ({ messageId: c.ownerMessage.id }),
    // Only the sender sees who got their message; a removed member still sees the message.
    want: { ...MEMBERS_ONLY, member: 'FORBIDDEN', admin: 'FORBIDDEN' },
    check: (r) => expect((r as { members: unknown[] }).members.length).toBeGreaterThan(0),
  },
  'chat.edit': {
    kind: 'mutation',
    input: (c) => ({ messageId: c.ownerMessage.id, text: 'edited' }),
    // Only its sender edits a message (here the owner's).
    want: { ...MEMBERS_ONLY, member: 'FORBIDDEN', admin: 'FORBIDDEN' },
    check: (r) => expect(r).toMatchObject({ text: 'edited' }),
  },
  'chat.delete': {
    kind: 'mutation',
    input: (c) => ({ messageId: c.ownerMessage.id, forEveryone: true }),
    // Its sender, or an admin, deletes it for everyone.
    want: MANAGERS,
    check: (r) => expect(r).toMatchObject({ text: '', deletedAt: expect.any(Date) }),
  },
  'chat.react': {
    kind: 'mutation',
    input: (c) => ({ messageId: c.ownerMessage.id, emoji: '🎉', on: true }),
    want: MEMBERS_ONLY,
    check: (r) =>
      expect((r as { reactions: Array<{ emoji: string }> }).reactions[0]?.emoji).toBe('🎉'),
  },
  'chat.forward': {
    kind: 'mutation',
    input: (c) => ({
      messageId: c.ownerMessage.id,
      conversationIds: [c.conversationId],
      clientMessageId: cid(),
    }),
    want: MEMBERS_ONLY,
    check: (r) =>
      expect(r).toEqual([expect.objectContaining({ forwarded: true, text: 'from the owner' })]),
  },
  'chat.pin': {
    kind: 'mutation',
    input: (c) => ({ messageId: c.ownerMessage.id, pinned: true }),
    want: MEMBERS_ONLY,
    check: (r) => expect(r).toMatchObject({ pinnedAt: expect.any(Date) }),
  },
  'chat.pinned': {
    kind: 'query',
    input: (c) => ({ conversationId: c.conversationId }),
    want: READABLE,
    check: (r) => expect(Array.isArray(r)).toBe(true),
  },
  'chat.search': {
    kind: 'query',
    input: (c) => ({ q: 'from the owner', conversationId: c.conversationId, limit: 10 }),
    // What the caller could read: the owner's message came before the removal.
    want: READABLE,
    check: (r, c) =>
      expect(
        (r as { items: Array<{ message: { id: string } }> }).items.map((h) => h.message.id),
      ).toEqual([c.ownerMessage.id]),
  },
  'chat.organise': {
    kind: 'mutation',
    input: (c) => ({ conversationId: c.conversationId, archived: true, mute: '1w' }),
    // How I keep a conversation is mine, also once I left it.
    want: READABLE,
    check: (r, c) => expect(r).toMatchObject({ id: c.conversationId, archived: true, muted: true }),
  },
  'groups.update': {
    kind: 'mutation',
    input: (c) => ({ conversationId: c.conversationId, title: 'Renamed' }),
    want: MANAGERS,
    check: (r) => expect(r).toMatchObject({ title: 'Renamed' }),
  },
  'groups.addMembers': {
    kind: 'mutation',
    input: (c) => ({ conversationId: c.conversationId, userIds: [c.newcomer.user.id] }),
    want: MANAGERS,
    check: (r) => expect(r).toMatchObject({ memberCount: 5 }),
  },
  'groups.removeMember': {
    kind: 'mutation',
    input: (c) => ({ conversationId: c.conversationId, userId: c.target.user.id }),
    want: MANAGERS,
    check: (r) => expect(r).toMatchObject({ memberCount: 3 }),
  },
  'groups.leave': {
    kind: 'mutation',
    input: (c) => ({ conversationId: c.conversationId }),
    want: MEMBERS_ONLY,
    check: (r) => expect(r).toMatchObject({ myRole: null, memberCount: 3 }),
  },
  'groups.setRole': {
    kind: 'mutation',
    input: (c) => ({ conversationId: c.conversationId, userId: c.target.user.id, role: 'admin' }),
    want: OWNER,
    check: async (r, c) => {
      const members = await people.owner.http.groups.members.query({
        conversationId: c.conversationId,
      });
      expect(members.items.find((m) => m.user.id === c.target.user.id)?.role).toBe('admin');
      expect((r as { id: string }).id).toBe(c.conversationId);
    },
  },
  'groups.members': {
    kind: 'query',
    input: (c) => ({ conversationId: c.conversationId }),
    want: MEMBERS_ONLY,
    check: (r) =>
      expect((r as { items: Array<{ role: string }> }).items.map((m) => m.role)).toEqual([
        'owner',
        'admin',
        'member',
        'member',
      ]),
  },
  // A public group: anyone signed in may join it; for a member, joining again changes nothing.
  'groups.join': {
    kind: 'mutation',
    input: (c) => ({ conversationId: c.conversationId }),
    want: SIGNED_IN,
    check: (r, _c, role) =>
      expect(r).toMatchObject({ myRole: role === 'owner' || role === 'admin' ? role : 'member' }),
  },
  'groups.create': {
    kind: 'mutation',
    input: (c) => ({ title: 'Another', memberIds: [c.target.user.id] }),
    want: SIGNED_IN,
    check: (r) => expect(r).toMatchObject({ myRole: 'owner', memberCount: 2 }),
  },
  'groups.browse': {
    kind: 'query',
    input: () => ({ q: 'matrix cell' }),
    want: SIGNED_IN,
    check: (r) => expect((r as { items: unknown[] }).items.length).toBeGreaterThan(0),
  },
};

/** Procedures covered elsewhere: they act on no conversation (the main matrix has their rows). */
const ELSEWHERE = new Set(['chat.conversations', 'chat.events']);

let server: TestServer;
let people: Record<'owner' | 'admin' | 'member' | 'removed' | 'nonMember', Signed> & {
  targets: Signed[];
};
let newcomer: Signed;

beforeAll(async () => {
  server = await startTestServer({ env: { LOG_LEVEL: 'error' } });
  const [owner, admin, member, removed, nonMember, t1, t2, n] = await Promise.all(
    ['gm_owner', 'gm_admin', 'gm_member', 'gm_removed', 'gm_none', 'gm_t1', 'gm_t2', 'gm_new'].map(
      (name) => signUp(server, name),
    ),
  );
  people = {
    owner: owner!,
    admin: admin!,
    member: member!,
    removed: removed!,
    nonMember: nonMember!,
    targets: [t1!, t2!],
  };
  newcomer = n!;
});
afterAll(() => server.destroy());

/** A fresh group for one cell (public for the join row, so that anyone may join). */
async function freshCell(path: string): Promise<Cell> {
  const { owner, admin, member, removed } = people;
  const target = people.targets[0]!;
  const group = await owner.http.groups.create.mutate({
    title: `matrix cell ${path}`,
    memberIds: [admin.user.id, member.user.id, removed.user.id, target.user.id],
    isPublic: path === 'groups.join' || path === 'groups.browse',
  });
  await owner.http.groups.setRole.mutate({
    conversationId: group.id,
    userId: admin.user.id,
    role: 'admin',
  });
  const ownerMessage = await owner.http.chat.send.mutate({
    conversationId: group.id,
    text: 'from the owner',
    clientMessageId: cid(),
  });
  await owner.http.groups.removeMember.mutate({
    conversationId: group.id,
    userId: removed.user.id,
  });
  return { conversationId: group.id, ownerMessage, target, newcomer };
}

function tokenOf(role: Role): string | undefined {
  return role === 'anonymous' ? undefined : people[role].token();
}

async function call(role: Role, path: string, row: Row, cell: Cell, transport: 'http' | 'ws') {
  let input = row.input(cell);
  if (path === 'groups.addMembers')
    input = { conversationId: cell.conversationId, userIds: [newcomer.user.id] };
  const token = tokenOf(role);
  const ws =
    transport === 'ws' ? wsClient(server, () => token, { retryDelayMs: () => 60_000 }) : null;
  const client = (ws?.client ?? httpClient(server, () => token)) as unknown as Record<
    string,
    Record<string, Record<'query' | 'mutate', (i: unknown) => Promise<unknown>>>
  >;
  const [area, name] = path.split('.') as [string, string];
  try {
    const procedure = client[area]![name]!;
    const result = await (row.kind === 'query' ? procedure.query(input) : procedure.mutate(input));
    try {
      await row.check?.(result, cell, role);
      return 'ok';
    } catch (error) {
      return `ok, but wrong: ${(error as Error).message.split('\n')[0]}`;
    }
  } catch (error) {
    const e = error as TRPCClientError<AppRouter>;
    const readable = !!e.message && !/\n\s+at /.test(e.message);
    return `${e.data?.code ?? String(error)}${readable ? '' : ' (unreadable message)'}`;
  } finally {
    ws?.close();
  }
}

describe('group authorisation matrix', () => {
  it('has a row for every procedure that acts on a conversation or a group', () => {
    const paths = Object.keys(appRouter._def.procedures).filter(
      (p) => (p.startsWith('chat.') || p.startsWith('groups.')) && !ELSEWHERE.has(p),
    );
    expect(paths.filter((p) => !(p in ROWS))).toEqual([]);
    expect(Object.keys(ROWS).filter((p) => !paths.includes(p))).toEqual([]);
  });

  for (const [path, row] of Object.entries(ROWS)) {
    for (const transport of ['http', 'ws'] as const) {
      it(`${path} over ${transport}: anonymous, non-member, member, admin, owner and removed member`, async () => {
        const mismatches: string[] = [];
        for (const role of ROLES) {
          const cell = await freshCell(path);
          const got = await call(role, path, row, cell, transport);
          if (got !== row.want[role])
            mismatches.push(`${role}: expected ${row.want[role]}, got ${got}`);
        }
        expect(mismatches).toEqual([]);
      });
    }
  }
});
