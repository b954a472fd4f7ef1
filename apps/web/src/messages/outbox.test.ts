import { describe, expect, it } from 'vitest';
import {
  backoffMs,
  classifySendError,
  createOutbox,
  createOutboxRunner,
  isFor,
  nextToSend,
  outboxReducer,
  type OutboxItem,
} from './outbox.ts';

const enqueue = (items: OutboxItem[], id: string, at = 0) =>
  outboxReducer(items, {
    type: 'enqueue',
    clientMessageId: id,
    destination: { to: 'bob' },
    text: id,
    at,
  });

function memoryStorage() {
  const data = new Map<string, string>();
  return {
    getItem: (k: string) => data.get(k) ?? null,
    setItem: (k: string, v: string) => void data.set(k, v),
    data,
  };
}

class NetworkError extends Error {}
const serverError = (code: string) => Object.assign(new Error(code), { data: { code } });

describe('outbox state machine', () => {
  it('goes queued → sending → acked → removed by its event', () => {
    let items = enqueue([], 'a');
    expect(items[0]!.status).toBe('queued');
    items = outboxReducer(items, { type: 'sending', id: 'a' });
    expect(items[0]).toMatchObject({ status: 'sending', attempts: 1 });
    const stored = { id: 'm1', seq: 1, conversationId: 'c1' };
    items = outboxReducer(items, { type: 'acked', id: 'a', message: stored });
    expect(items[0]).toMatchObject({ status: 'acked', acked: stored });
    expect(isFor(items[0]!, 'c1', null)).toBe(true);
    expect(nextToSend(enqueue(items, 'b'), 0)?.clientMessageId).toBe('b');
    items = outboxReducer(items, { type: 'sent', id: 'a' });
    expect(items).toEqual([]);
  });

  it('an event before the response leaves nothing behind', () => {
    let items = outboxReducer(enqueue([], 'a'), { type: 'sending', id: 'a' });
    items = outboxReducer(items, { type: 'sent', id: 'a' });
    const stored = { id: 'm1', seq: 1, conversationId: 'c1' };
    expect(outboxReducer(items, { type: 'acked', id: 'a', message: stored })).toEqual([]);
  });

  it('finds the items of a conversation, or of a person before the conversation exists', () => {
    const toBob = enqueue([], 'a')[0]!;
    expect(isFor(toBob, null, 'bob')).toBe(true);
    expect(isFor(toBob, 'c1', 'cy')).toBe(false);
    const toGroup = outboxReducer([], {
      type: 'enqueue',
      clientMessageId: 'g',
      destination: { conversationId: 'g1' },
      text: 'hi',
      at: 0,
    })[0]!;
    expect(isFor(toGroup, 'g1', null)).toBe(true);
    expect(isFor(toGroup, 'c1', null)).toBe(false);
  });

  it('ignores a second enqueue of the same clientMessageId', () => {
    const items = enqueue(enqueue([], 'a'), 'a');
    expect(items).toHaveLength(1);
  });

  it('sends one at a time, in order; a back-off holds the line', () => {
    let items = enqueue(enqueue([], 'a', 1), 'b', 2);
    expect(nextToSend(items, 0)?.clientMessageId).toBe('a');
    items = outboxReducer(items, { type: 'sending', id: 'a' });
    expect(nextToSend(items, 0)).toBeNull();
    items = outboxReducer(items, { type: 'transient', id: 'a', error: 'offline', retryAt: 5000 });
    expect(nextToSend(items, 4999)).toBeNull();
    expect(nextToSend(items, 5000)?.clientMessageId).toBe('a');
  });

  it('a failed item steps aside; retry puts it back in line', () => {
    let items = enqueue(enqueue([], 'a'), 'b');
    items = outboxReducer(items, { type: 'sending', id: 'a' });
    items = outboxReducer(items, { type: 'failed', id: 'a', error: 'bad' });
    expect(nextToSend(items, 0)?.clientMessageId).toBe('b');
    items = outboxReducer(items, { type: 'retry', id: 'a' });
    expect(items[0]).toMatchObject({ status: 'queued', error: null });
  });

  it('restores an interrupted send as queued', () => {
    let items = outboxReducer(enqueue([], 'a'), { type: 'sending', id: 'a' });
    items = outboxReducer(items, { type: 'restore' });
    expect(items[0]!.status).toBe('queued');
  });

  it('backs off exponentially, capped', () => {
    expect([1, 2, 3, 4, 10].map(backoffMs)).toEqual([1000, 2000, 4000, 8000, 15000]);
  });

  it('tells permanent from transient errors', () => {
    expect(classifySendError(serverError('BAD_REQUEST')).permanent).toBe(true);
    expect(classifySendError(serverError('NOT_FOUND')).permanent).toBe(true);
    expect(classifySendError(serverError('UNAUTHORIZED')).permanent).toBe(false);
    expect(classifySendError(new NetworkError('fetch failed')).permanent).toBe(false);
    const limited = Object.assign(new Error('slow down'), {
      data: { code: 'TOO_MANY_REQUESTS', retryAfterSeconds: 3 },
    });
    expect(classifySendError(limited)).toMatchObject({ permanent: false, retryAfterMs: 3000 });
  });
});

describe('persisted outbox', () => {
  it('survives a reload', () => {
    const storage = memoryStorage();
    const first = createOutbox(storage, 'k');
    first.dispatch({
      type: 'enqueue',
      clientMessageId: 'abcdefgh',
      destination: { conversationId: 'c1' },
      text: 'hi',
      at: 1,
    });
    first.dispatch({ type: 'sending', id: 'abcdefgh' });
    const second = createOutbox(storage, 'k');
    expect(second.get()).toMatchObject([
      { clientMessageId: 'abcdefgh', status: 'queued', text: 'hi', conversationId: 'c1' },
    ]);
  });

  it('keeps the attachments of an image message, and reads items saved before them', () => {
    const storage = memoryStorage();
    const photo = {
      id: 'f1',
      kind: 'image' as const,
      mime: 'image/png' as const,
      width: 4,
      height: 3,
      url: '/api/files/f1/display',
      thumbUrl: '/api/files/f1/thumb',
      thumbWidth: 4,
      thumbHeight: 3,
    };
    const first = createOutbox(storage, 'k');
    first.dispatch({
      type: 'enqueue',
      clientMessageId: 'photo-001',
      destination: { to: 'bob' },
      text: '',
      attachments: [photo],
      at: 1,
    });
    expect(createOutbox(storage, 'k').get()[0]!.attachments).toEqual([photo]);
    storage.setItem(
      'k',
      JSON.stringify([
        { clientMessageId: 'old-0001', to: 'bob', text: 'hi', createdAt: 1, status: 'queued' },
      ]),
    );
    expect(createOutbox(storage, 'k').get()[0]).toMatchObject({
      attachments: [],
      to: 'bob',
      conversationId: null,
    });
  });

  it('ignores garbage in storage', () => {
    const storage = memoryStorage();
    storage.setItem('k', '{"not":"a list"');
    expect(createOutbox(storage, 'k').get()).toEqual([]);
    storage.setItem('k', JSON.stringify([{ clientMessageId: 1 }, null]));
    expect(createOutbox(storage, 'k').get()).toEqual([]);
  });
});

/** A fake server: idempotent on clientMessageId, like chat.send. */
function fakeServer() {
  const stored = new Map<string, { seq: number; text: string }>();
  let inFlight = 0;
  let maxInFlight = 0;
  return {
    stored,
    get maxInFlight() {
      return maxInFlight;
    },
    async send(item: OutboxItem) {
      inFlight += 1;
      maxInFlight = Math.max(maxInFlight, inFlight);
      await new Promise((r) => setTimeout(r, 1));
      inFlight -= 1;
      const existing = stored.get(item.clientMessageId);
      const message = existing ?? { seq: stored.size + 1, text: item.text };
      stored.set(item.clientMessageId, message);
      return { id: `m${message.seq}`, seq: message.seq, conversationId: 'c1' };
    },
  };
}

describe('outbox runner', () => {
  it('sends everything in order, one request at a time, only while online', async () => {
    const outbox = createOutbox(memoryStorage(), 'k');
    const server = fakeServer();
    let online = false;
    const sent: string[] = [];
    const runner = createOutboxRunner({
      outbox,
      send: async (item) => {
        const result = await server.send(item);
        sent.push(item.text);
        return result;
      },
      canSend: () => online,
    });
    for (const text of ['one', 'two', 'three']) {
      outbox.dispatch({
        type: 'enqueue',
        clientMessageId: `cid-${text}`,
        destination: { to: 'bob' },
        text,
        at: 0,
      });
      void runner.kick();
    }
    await new Promise((r) => setTimeout(r, 20));
    expect(sent).toEqual([]);
    expect(outbox.get().map((i) => i.status)).toEqual(['queued', 'queued', 'queued']);
    online = true;
    await runner.kick();
    expect(sent).toEqual(['one', 'two', 'three']);
    expect([...server.stored.values()].map((m) => m.text)).toEqual(['one', 'two', 'three']);
    expect(server.maxInFlight).toBe(1);
    expect(outbox.get().map((i) => i.status)).toEqual(['acked', 'acked', 'acked']);
    outbox.dispatch({ type: 'dropAcked' });
    expect(outbox.get()).toEqual([]);
    runner.stop();
  });

  it('never stores a message twice when a response is lost', async () => {
    const outbox = createOutbox(memoryStorage(), 'k');
    const server = fakeServer();
    let loseNextResponse = true;
    const runner = createOutboxRunner({
      outbox,
      async send(item) {
        const result = await server.send(item);
        if (loseNextResponse) {
          loseNextResponse = false;
          throw new NetworkError('connection reset');
        }
        return result;
      },
      canSend: () => true,
    });
    outbox.dispatch({
      type: 'enqueue',
      clientMessageId: 'cid-once',
      destination: { to: 'bob' },
      text: 'once',
      at: 0,
    });
    await runner.kick();
    expect(outbox.get()[0]).toMatchObject({ status: 'queued', attempts: 1 });
    // The back-off timer retries it with the same clientMessageId.
    await new Promise((r) => setTimeout(r, 1200));
    expect(outbox.get()[0]).toMatchObject({ status: 'acked', acked: { seq: 1 } });
    expect(server.stored.size).toBe(1);
    runner.stop();
  });

  it('marks bad input failed and moves on', async () => {
    const outbox = createOutbox(memoryStorage(), 'k');
    const failures: string[] = [];
    const sent: string[] = [];
    const runner = createOutboxRunner({
      outbox,
      async send(item) {
        if (item.text === 'bad') throw serverError('BAD_REQUEST');
        sent.push(item.text);
        return { id: 'm1', seq: 1, conversationId: 'c1' };
      },
      onFailed: (item) => failures.push(item.text),
      canSend: () => true,
    });
    outbox.dispatch({
      type: 'enqueue',
      clientMessageId: 'cid-bad',
      destination: { to: 'bob' },
      text: 'bad',
      at: 0,
    });
    outbox.dispatch({
      type: 'enqueue',
      clientMessageId: 'cid-good',
      destination: { to: 'bob' },
      text: 'good',
      at: 1,
    });
    await runner.kick();
    expect(failures).toEqual(['bad']);
    expect(sent).toEqual(['good']);
    expect(outbox.get()).toMatchObject([
      { clientMessageId: 'cid-bad', status: 'failed' },
      { clientMessageId: 'cid-good', status: 'acked' },
    ]);
    runner.stop();
  });
});
