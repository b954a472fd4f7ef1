/**
 * Property-based fuzzing: thousands of hostile inputs to every procedure over HTTP and over the
 * WebSocket, malformed JSON-RPC messages and raw frames, and hostile raw HTTP. Every answer is a
 * typed 4xx error or a success; nothing crashes, nothing rejects unhandled, the server keeps
 * serving and its heap stays bounded. FUZZ_RUNS scales the number of cases, FUZZ_SEED replays one.
 */
import { appRouter } from '@parley/api';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import {
  collectEvents,
  signUp,
  startTestServer,
  waitFor,
  wsClient,
  type TestServer,
} from '../harness.ts';
import {
  rawSocket,
  settledHeapMiB,
  signedInSocket,
  sleep,
  trpcCodeOf,
  trpcMessageOf,
} from './support.ts';

const SCALE = Number(process.env.FUZZ_RUNS ?? 1);
const SEED = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : undefined;
const params = (numRuns: number) => ({
  numRuns: Math.max(1, Math.round(numRuns * SCALE)),
  ...(SEED !== undefined ? { seed: SEED } : {}),
  // A failure is reported at once, not shrunk for minutes (the seed and path replay it).
  endOnFailure: !process.env.FUZZ_SHRINK,
});

const PROCEDURES = Object.entries(
  appRouter._def.procedures as unknown as Record<string, { _def: { type: string } }>,
).map(([path, p]) => ({ path, type: p._def.type as 'query' | 'mutation' | 'subscription' }));

/** Procedures to fuzz, the argon2-bound ones (a valid sign-up or login hashes) less often. */
const weighted = (procedures: typeof PROCEDURES) =>
  fc.oneof(
    ...procedures.map((p) => ({
      arbitrary: fc.constant(p),
      weight: p.path === 'auth.signup' || p.path === 'auth.login' ? 1 : 4,
    })),
  );

let server: TestServer;
let alice: Awaited<ReturnType<typeof signUp>>;
let bob: Awaited<ReturnType<typeof signUp>>;
let messageId = '';
let conversationId = '';
let groupId = '';
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);
let heapBefore = 0;
const counts = { http: 0, ws: 0, frames: 0, raw: 0 };

beforeAll(async () => {
  process.on('unhandledRejection', onUnhandled);
  process.on('uncaughtException', onUnhandled);
  server = await startTestServer({ env: { LOG_LEVEL: 'error' } });
  alice = await signUp(server, 'fuzz_a');
  bob = await signUp(server, 'fuzz_b');
  const seed = await alice.http.chat.send.mutate({
    to: bob.user.id,
    text: 'seed',
    clientMessageId: `seed_${Date.now()}`,
  });
  messageId = seed.id;
  conversationId = seed.conversationId;
  groupId = (await alice.http.groups.create.mutate({ title: 'Fuzz', memberIds: [bob.user.id] })).id;
  heapBefore = await settledHeapMiB();
});

afterAll(async () => {
  process.off('unhandledRejection', onUnhandled);
  process.off('uncaughtException', onUnhandled);
  await server?.destroy();
});

// ---------------------------------------------------------------------------------------------
// Hostile values

const hostileString = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom(
    '',
    ' ',
    '\u0000',
    '\u202e\u2066evil',
    '\uD800',
    '\uDFFF\uD800',
    'e\u0301\u0301\u0301\u0301',
    '👩‍👩‍👧‍👦'.repeat(50),
    '%00%ff',
    '../../../../etc/passwd',
    "' OR '1'='1' --",
    '"; DROP TABLE users; --',
    '${{7*7}}',
    '<img src=x onerror=alert(1)>',
    '__proto__',
    'constructor',
    '$gt',
    'NaN',
    '-0',
    '1e309',
    '9'.repeat(40),
  ),
  fc.integer({ min: 1_000, max: 200_000 }).map((n) => 'x'.repeat(n)),
);
const nosql = fc.constantFrom<object>(
  { $gt: '' },
  { $ne: null },
  { $where: 'sleep(1000)' },
  { $regex: '.*' },
  { $in: [] },
  { $expr: {} },
);
const number = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.constantFrom(0, -1, 2 ** 53, -(2 ** 63), 1e308, Number.MIN_VALUE),
);
const key = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.constantFrom('__proto__', 'constructor', 'prototype', '$where', 'toString', ''),
);
const { value: hostile } = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', maxDepth: 4 },
    hostileString,
    number,
    fc.boolean(),
    fc.constant(null),
    nosql,
    fc.array(tie('value'), { maxLength: 6 }),
    fc.dictionary(key, tie('value'), { maxKeys: 6 }),
  ),
}));

/** A valid input per procedure: the fuzz mutates one of its fields, or replaces it wholesale. */
function template(path: string): Record<string, unknown> | undefined {
  const to = bob?.user.id ?? 'x';
  switch (path) {
    case 'auth.signup':
      return {
        username: 'fuzz_user',
        email: 'fuzz@example.com',
        password: 'a fine long password',
        displayName: 'F',
      };
    case 'auth.login':
      return { login: 'nobody_here', password: 'whatever it is' };
    case 'auth.refresh':
      return { refreshToken: 'r'.repeat(43) };
    case 'users.list':
    case 'chat.conversations':
      return { limit: 10, cursor: null };
    case 'users.search':
      return { q: 'fuzz', limit: 5 };
    case 'users.updateProfile':
      return { displayName: 'Fuzzy', bio: 'bio' };
    case 'users.get':
      return { ids: [to] };
    case 'chat.conversation':
      return { conversationId };
    case 'chat.history':
      return { conversationId, around: messageId, cursor: 'b:5', limit: 10 };
    case 'chat.send':
      return { to, text: 'hi', clientMessageId: 'fuzz_cid_1', attachmentIds: [] };
    case 'chat.ackDelivered':
    case 'chat.markRead':
      return { conversationId, upTo: messageId };
    case 'chat.typing':
      return { conversationId, isTyping: true };
    case 'chat.messageInfo':
      return { messageId };
    case 'chat.edit':
      return { messageId, text: 'edited' };
    case 'chat.delete':
      return { messageId, forEveryone: false };
    case 'chat.react':
      return { messageId, emoji: '👍', on: true };
    case 'chat.pin':
      return { messageId, pinned: true };
    case 'chat.pinned':
      return { conversationId };
    case 'chat.forward':
      return { messageId, conversationIds: [conversationId], clientMessageId: 'fuzz_forward_1' };
    case 'chat.search':
      return { q: 'fuzz', conversationId, cursor: 'o:20', limit: 10 };
    case 'chat.organise':
      return { conversationId, mute: '8h', pinned: true, archived: false, unread: true };
    case 'notifications.subscribe':
      return {
        endpoint: 'http://127.0.0.1:9/push/fuzz',
        keys: { p256dh: `B${'A'.repeat(86)}`, auth: 'A'.repeat(22) },
        expirationTime: null,
      };
    case 'notifications.unsubscribe':
      return { endpoint: 'http://127.0.0.1:9/push/fuzz' };
    case 'groups.create':
      return { title: 'Fuzzed', memberIds: [to], isPublic: false };
    case 'groups.update':
      return { conversationId: groupId, title: 'Renamed', isPublic: false };
    case 'groups.addMembers':
      return { conversationId: groupId, userIds: [to] };
    case 'groups.removeMember':
    case 'groups.setRole':
      return { conversationId: groupId, userId: to, role: 'member' };
    case 'groups.leave':
    case 'groups.join':
      return { conversationId: groupId };
    case 'groups.members':
      return { conversationId: groupId, limit: 10 };
    case 'users.block':
    case 'users.unblock':
      return { userId: to };
    case 'users.report':
      return { messageId, reason: 'spam', details: 'fuzz' };
    case 'users.updateSettings':
      return { lastSeen: 'contacts', readReceipts: true };
    case 'admin.reports':
      return { status: 'open', limit: 5 };
    case 'admin.resolveReport':
      return { reportId: 'r', resolution: 'fixed' };
    case 'groups.browse':
      return { q: 'fuzz', limit: 5 };
    case 'linkPreviews.get':
      return { url: 'http://127.0.0.1:9/fuzz' };
    case 'chat.events':
      return { lastEventId: '0' };
    default:
      return undefined;
  }
}

/** Deep nesting and prototype-pollution payloads, as raw JSON text (JSON.stringify would drop `__proto__`). */
const rawJson = fc.oneof(
  fc.integer({ min: 50, max: 100_000 }).map((d) => `${'['.repeat(d)}${']'.repeat(d)}`),
  fc.integer({ min: 50, max: 30_000 }).map((d) => `${'{"a":'.repeat(d)}1${'}'.repeat(d)}`),
  fc.constantFrom(
    '{"__proto__":{"polluted":"yes"},"username":"a"}',
    '{"constructor":{"prototype":{"polluted":"yes"}}}',
    '{"to":{"__proto__":{"polluted":"yes"}},"text":"x","clientMessageId":"abcdefgh"}',
    '{"conversationId":{"$gt":""},"upTo":{"$ne":null}}',
  ),
);

/** The superjson envelope a client sends, sometimes with hostile `meta` annotations. */
const metaAnnotation = fc.constantFrom<unknown>(
  'undefined',
  'bigint',
  'Date',
  'regexp',
  'set',
  'map',
  'Error',
  'number',
  ['class', 'Nope'],
  ['custom', 'nope'],
  ['symbol', 'x'],
  ['typed-array', 'Int8Array'],
  'nonsense',
  42,
);
const envelopeText = (json: fc.Arbitrary<string>) =>
  fc
    .tuple(
      json,
      fc.option(
        fc.dictionary(
          fc.oneof(key, fc.constantFrom('username', 'to', 'text', 'limit', 'q')),
          metaAnnotation,
          { maxKeys: 3 },
        ),
      ),
      fc.option(
        fc.dictionary(key, fc.array(fc.string({ maxLength: 8 }), { maxLength: 3 }), { maxKeys: 2 }),
      ),
    )
    .map(([jsonText, values, refs]) => {
      const meta =
        values || refs
          ? JSON.stringify({
              ...(values ? { values } : {}),
              ...(refs ? { referentialEqualities: refs } : {}),
            })
          : null;
      return meta ? `{"json":${jsonText},"meta":${meta}}` : `{"json":${jsonText}}`;
    });

const inputText = (path: string) => {
  const base = template(path);
  const mutated = base
    ? fc
        .tuple(fc.constantFrom(...Object.keys(base)), hostile)
        .map(([k, v]) => JSON.stringify({ ...base, [k]: v }))
    : hostile.map((v) => JSON.stringify(v) ?? 'null');
  return fc.oneof(
    { arbitrary: envelopeText(mutated), weight: 5 },
    { arbitrary: envelopeText(hostile.map((v) => JSON.stringify(v) ?? 'null')), weight: 3 },
    { arbitrary: envelopeText(rawJson), weight: 1 },
    // Not even a superjson envelope.
    {
      arbitrary: fc.oneof(
        hostile.map((v) => JSON.stringify(v) ?? 'null'),
        rawJson,
      ),
      weight: 1,
    },
  );
};

const authHeader = fc.oneof(
  fc.constant<'alice' | null>('alice'),
  fc.constant(null),
  fc.string({ maxLength: 60 }).map((s) => `Bearer ${s}`),
  fc.constantFrom(
    'Bearer',
    'Basic YWRtaW46YWRtaW4=',
    'Bearer a.b.c',
    'Bearer eyJhbGciOiJub25lIn0.e30.',
  ),
);

function isReadableError(body: unknown): boolean {
  const message = trpcMessageOf(body) ?? (body as { message?: unknown }).message;
  return (
    typeof message === 'string' &&
    message.length > 0 &&
    message !== 'Something went wrong on our side.' &&
    !/\n\s+at /.test(message)
  );
}

// ---------------------------------------------------------------------------------------------

/**
 * Reads an event stream up to its first verdict: the `serialized-error` event (returned from its
 * `event:` line on), or `ready` (returned as `ready`); null if it ends or stalls first.
 */
async function firstVerdict(res: Response, stop: AbortController): Promise<string | null> {
  const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
  let text = '';
  try {
    for (;;) {
      const chunk = await reader.read();
      if (chunk.done) return null;
      text += chunk.value;
      const error = text.indexOf('event: serialized-error');
      if (error >= 0 && /\n\n/.test(text.slice(error))) return text.slice(error);
      if (text.includes('"type":"ready"')) return 'ready';
    }
  } catch {
    return null;
  } finally {
    stop.abort();
  }
}

describe('fuzzing every procedure', () => {
  it('answers hostile inputs over HTTP with typed 4xx errors or success, never 5xx', async () => {
    const failures: string[] = [];
    const oneCase = fc
      .tuple(weighted(PROCEDURES), fc.boolean(), authHeader)
      .chain(([procedure, batch, auth]) =>
        inputText(procedure.path).map((input) => ({ procedure, batch, auth, input })),
      );
    await fc.assert(
      fc.asyncProperty(fc.array(oneCase, { minLength: 8, maxLength: 8 }), async (cases) => {
        await Promise.all(
          cases.map(async ({ procedure, batch, auth, input }) => {
            counts.http += 1;
            const headers: Record<string, string> = { 'content-type': 'application/json' };
            // Alice's logout would end the session the rest of the fuzz runs on (the matrix covers it).
            if (auth === 'alice' && procedure.path !== 'auth.logout')
              headers.authorization = `Bearer ${alice.token()}`;
            else if (auth) headers.authorization = auth;
            const body = batch ? `{"0":${input}}` : input;
            const query = batch ? '?batch=1' : '';
            const stop = new AbortController();
            const timer = setTimeout(() => stop.abort(), 10_000);
            const res =
              procedure.type === 'mutation'
                ? await fetch(`${server.url}/trpc/${procedure.path}${query}`, {
                    method: 'POST',
                    headers,
                    body,
                  })
                : await fetch(
                    `${server.url}/trpc/${procedure.path}${query}${batch ? '&' : '?'}input=${encodeURIComponent(body)}`,
                    {
                      headers,
                      signal: stop.signal,
                    },
                  );
            // A subscription that is let in streams Server-Sent Events for as long as it lives:
            // read up to its first verdict (ready, or a typed error), then hang up.
            const text = res.headers.get('content-type')?.startsWith('text/event-stream')
              ? await firstVerdict(res, stop)
              : await res.text();
            clearTimeout(timer);
            if (text === null)
              failures.push(`${procedure.path}: an event stream without ready or an error`);
            else if (text.startsWith('event: serialized-error')) {
              const json = /^data: (.*)$/m.exec(text)?.[1] ?? '';
              if (!isReadableError({ error: JSON.parse(json) as unknown }))
                failures.push(`${procedure.path}: unreadable stream error ${json.slice(0, 200)}`);
            }
            if (text === null || text.startsWith('event:')) return;
            if (res.status >= 500)
              failures.push(
                `${procedure.path} ${res.status} ${text.slice(0, 300)} <- ${input.slice(0, 200)}`,
              );
            if (res.status >= 400 && text.startsWith('{')) {
              const parsed = JSON.parse(text) as unknown;
              if (!isReadableError(parsed))
                failures.push(`${procedure.path}: unreadable error ${text.slice(0, 200)}`);
            }
          }),
        );
        expect(failures).toEqual([]);
      }),
      params(250),
    );
    // 2,000 requests, some hashing a password: about 30 s on an idle 2-core machine, so the
    // default minute is too short for a loaded one. A hang still fails.
  }, 180_000);

  it('answers hostile inputs over the WebSocket with typed errors, on a socket that stays open', async () => {
    const socket = await signedInSocket(server.wsUrl, alice.token());
    let nextId = 1;
    const procedures = PROCEDURES.filter((p) => p.path !== 'auth.logout');
    const oneCase = weighted(procedures).chain((procedure) =>
      inputText(procedure.path).map((input) => ({ procedure, input })),
    );
    const failures: string[] = [];
    await fc.assert(
      fc.asyncProperty(fc.array(oneCase, { minLength: 10, maxLength: 10 }), async (cases) => {
        const ids: number[] = [];
        for (const { procedure, input } of cases) {
          // Frames over the size limit close the socket with 1009: a test of its own below.
          if (input.length > 250 * 1024) continue;
          const id = nextId++;
          ids.push(id);
          counts.ws += 1;
          socket.ws.send(
            `{"id":${id},"method":"${procedure.type}","params":{"path":"${procedure.path}","input":${input}}}`,
          );
        }
        // Every frame is answered: with its id, or (when it cannot be parsed) once without one.
        const answered = () => {
          const seen = new Set(socket.json().map((m) => m.id));
          const unparsable = socket.json().filter((m) => m.id === null).length;
          return ids.filter((id) => seen.has(id)).length + unparsable >= ids.length;
        };
        await waitFor(
          () => socket.closed !== null || answered(),
          15_000,
          'every request to be answered',
        );
        expect(socket.closed, 'the server closed the socket').toBeNull();
        for (const m of socket.json()) {
          const code = trpcCodeOf(m);
          if (code === 'INTERNAL_SERVER_ERROR' || (code && !isReadableError(m)))
            failures.push(JSON.stringify(m).slice(0, 300));
          // Stop every subscription that started, so the connection's limit is not the answer to everything.
          if ((m.result as { type?: string } | undefined)?.type === 'started')
            socket.ws.send(JSON.stringify({ id: m.id, method: 'subscription.stop' }));
        }
        socket.messages.length = 0;
        expect(failures).toEqual([]);
      }),
      params(100),
    );
    socket.ws.close();
  });

  it('survives malformed JSON-RPC messages and raw frames', async () => {
    const message = fc.oneof(
      fc.constantFrom(
        '',
        'PING',
        'PONG',
        '{',
        'null',
        '[]',
        '[[[[[]]]]]',
        '{"id":1}',
        '{"id":null,"method":"query","params":{"path":"auth.me","input":{"json":null}}}',
        '{"id":{},"method":"query","params":{"path":"auth.me"}}',
        '{"id":1,"method":"nope","params":{"path":"auth.me"}}',
        '{"id":1,"method":"query","params":{"path":{"$gt":""},"input":{"json":1}}}',
        '{"id":1,"method":"query","params":{"path":"__proto__","input":{"json":1}}}',
        '{"id":1,"method":"query","params":{"path":"constructor","input":{"json":1}}}',
        '{"id":1,"method":"subscription","params":{"path":"auth.me","input":{"json":null}}}',
        '{"id":1,"method":"query","params":{"path":"chat.events","input":{"json":null}}}',
        '{"id":2,"method":"subscription.stop"}',
        '{"id":"x","method":"subscription.stop"}',
        '{"id":1,"jsonrpc":"1.0","method":"query","params":{"path":"auth.me"}}',
        '{"id":1e999,"method":"query","params":{"path":"auth.me","input":{"json":null}}}',
        '{"method":"connectionParams","data":{"token":"x"}}',
        '{"method":"reconnect","id":null}',
        '{"id":1,"method":"subscription","params":{"path":"chat.events","input":{"json":{}},"lastEventId":{"$gt":""}}}',
      ),
      fc.string({ unit: 'binary', maxLength: 200 }),
      fc.json({ maxDepth: 4 }),
      fc
        .tuple(
          fc.oneof(fc.integer(), fc.string({ maxLength: 10 }), fc.constant(null)),
          fc.constantFrom('query', 'mutation', 'subscription', 'subscription.stop'),
          fc.string({ maxLength: 30 }),
          hostile,
        )
        .map(([id, method, path, input]) =>
          JSON.stringify({ id, method, params: { path, input } }),
        ),
    );
    const frame = fc.oneof(
      {
        arbitrary: message.map((text) => ({ data: text as string | Buffer, binary: false })),
        weight: 6,
      },
      {
        arbitrary: fc
          .uint8Array({ maxLength: 300 })
          .map((bytes) => ({ data: Buffer.from(bytes), binary: true })),
        weight: 2,
      },
      // Invalid UTF-8 in a text frame: ws closes with 1007.
      {
        arbitrary: fc.constant({ data: Buffer.from([0xc3, 0x28, 0xff]), binary: false }),
        weight: 1,
      },
    );
    // 1007: invalid UTF-8; 1009: a frame over the size limit (a hostile value can be 200 KB).
    const allowedCloses = new Set([1000, 1005, 1007, 1009]);
    await fc.assert(
      fc.asyncProperty(
        fc.boolean(),
        fc.array(frame, { minLength: 1, maxLength: 25 }),
        async (signedIn, frames) => {
          const socket = rawSocket(signedIn ? `${server.wsUrl}?connectionParams=1` : server.wsUrl);
          await socket.opened;
          if (signedIn)
            socket.ws.send(
              JSON.stringify({ method: 'connectionParams', data: { token: alice.token() } }),
            );
          for (const f of frames) {
            counts.frames += 1;
            if (socket.ws.readyState !== WebSocket.OPEN) break;
            socket.ws.send(f.data, { binary: f.binary });
          }
          // A real request after the garbage is still answered (unless the socket was rightly closed).
          if (socket.ws.readyState === WebSocket.OPEN) {
            socket.ws.send(
              JSON.stringify({
                id: 'probe',
                method: 'query',
                params: { path: 'users.search', input: { json: { q: 'fuzz' } } },
              }),
            );
            await waitFor(
              () => socket.closed !== null || socket.json().some((m) => m.id === 'probe'),
              5000,
              'the probe answer',
            );
          }
          for (const m of socket.json()) expect(trpcCodeOf(m)).not.toBe('INTERNAL_SERVER_ERROR');
          if (socket.closed) expect(allowedCloses).toContain(socket.closed.code);
          else {
            const probe = socket.json().find((m) => m.id === 'probe');
            if (signedIn) expect(probe?.result ?? probe?.error).toBeDefined();
          }
          socket.ws.terminate();
        },
      ),
      params(150),
    );
  });

  it('refuses superjson annotations that no input needs (a BigInt of a million digits costs nothing)', async () => {
    for (const values of [
      { login: ['bigint'] },
      { login: [['class', 'User']] },
      { login: [['custom', 'x']] },
      { login: ['regexp'] },
      { login: ['map'] },
    ]) {
      const res = await fetch(`${server.url}/trpc/auth.login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          json: { login: '9'.repeat(1_000_000), password: 'x' },
          meta: { values },
        }),
      });
      expect(res.status).toBe(400);
      expect(trpcMessageOf(await res.json())).toBe(
        'An input may only contain JSON values, dates and undefined.',
      );
    }
  });

  it('closes a socket that sends an oversized frame with 1009 and keeps serving others', async () => {
    const socket = rawSocket(server.wsUrl);
    await socket.opened;
    socket.ws.send('x'.repeat(300 * 1024));
    expect((await socket.closing).code).toBe(1009);
    const fine = rawSocket(server.wsUrl);
    await fine.opened;
    expect(trpcCodeOf(await fine.askMe())).toBe('UNAUTHORIZED');
    fine.ws.close();
  });

  it('answers hostile raw HTTP (paths, methods, headers, cookies, content types) with 4xx', async () => {
    const path = fc.oneof(
      fc.constantFrom(
        '/trpc',
        '/trpc/',
        '/trpc/,',
        '/trpc/auth.me,auth.me',
        '/trpc/%ff',
        '/trpc/..%2f..%2fetc%2fpasswd',
        '/%2e%2e/',
        '/healthz/..',
        '/trpc/auth.me?batch=1&input=%7B',
        '/trpc/auth.me?input=' + encodeURIComponent('{"json":{"__proto__":{"x":1}}}'),
      ),
      fc.string({ maxLength: 40 }).map((s) => `/trpc/${encodeURIComponent(s)}`),
      fc
        .array(fc.constantFrom(...PROCEDURES.map((p) => p.path)), { minLength: 2, maxLength: 80 })
        .map((paths) => `/trpc/${paths.join(',')}?batch=1`),
    );
    const method = fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD');
    const contentType = fc.constantFrom(
      'application/json',
      'text/plain',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=x',
      'application/json; charset=utf-16',
      '',
      'application/json\u0000',
    );
    const cookie = fc.oneof(
      fc.constant(''),
      fc.string({ maxLength: 80 }).map((s) => `parley_at=${s}`),
      fc.constantFrom(
        'parley_at=%E0%A4%A',
        'parley_at=a; parley_at=b',
        'parley_rt=' + 'x'.repeat(4000),
        '=;=;;',
        'parley_at="unterminated',
      ),
    );
    const body = fc.oneof(
      fc.constant(undefined),
      fc.string({ maxLength: 200 }),
      fc.constant('{"json":'),
      hostile.map((v) => JSON.stringify({ json: v })),
    );
    await fc.assert(
      fc.asyncProperty(
        path,
        method,
        contentType,
        cookie,
        body,
        fc.boolean(),
        async (p, m, type, c, b, csrf) => {
          counts.raw += 1;
          const headers: Record<string, string> = {};
          if (type && !type.includes('\u0000')) headers['content-type'] = type;
          if (c && /^[\x20-\x7e]*$/.test(c)) headers.cookie = c;
          if (csrf) headers['x-parley-csrf'] = '1';
          const res = await fetch(`${server.url}${p}`, {
            method: m,
            headers,
            ...(b !== undefined && m !== 'GET' && m !== 'HEAD' ? { body: b } : {}),
            signal: AbortSignal.timeout(10_000),
          });
          await res.arrayBuffer();
          expect(res.status, `${m} ${p}`).toBeLessThan(500);
        },
      ),
      params(250),
    );
  });

  it('is still serving afterwards: health, a real send delivered live; no unhandled rejections, no pollution, heap bounded', async () => {
    const health = await fetch(`${server.url}/healthz`);
    expect(health.status).toBe(200);
    const receiver = wsClient(server, bob.token);
    try {
      const stream = collectEvents(receiver.client);
      await stream.ready();
      const sent = await alice.http.chat.send.mutate({
        to: bob.user.id,
        text: 'after the storm',
        clientMessageId: `after_${Date.now()}`,
      });
      const got = await waitFor(
        () => stream.of('message.new').find((e) => e.message.id === sent.id),
        5000,
        'the live message',
      );
      expect(got.message.text).toBe('after the storm');
    } finally {
      receiver.close();
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.keys(Object.prototype)).toEqual([]);
    await sleep(200);
    expect(unhandled).toEqual([]);
    const heapAfter = await settledHeapMiB();
    const total = counts.http + counts.ws + counts.frames + counts.raw;
    console.info(
      `fuzz: ${total} cases (http ${counts.http}, ws ${counts.ws}, frames ${counts.frames}, raw http ${counts.raw}); heap ${heapBefore.toFixed(1)} -> ${heapAfter.toFixed(1)} MiB`,
    );
    expect(total).toBeGreaterThan(4000 * Math.min(1, SCALE));
    expect(heapAfter - heapBefore).toBeLessThan(64);
  });
});
