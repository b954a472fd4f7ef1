import type { Message, Store, StoredEvent } from '@parley/db';
import { describe, expect, it } from 'vitest';
import { createPushNotifier } from './push.ts';

let seq = 0;
function newMessage(
  conversationId: string,
  senderId: string,
  kind: Message['kind'] = 'text',
): StoredEvent {
  seq += 1;
  const message = {
    id: `m${seq}`,
    conversationId,
    senderId,
    kind,
    text: `message ${seq}`,
  } as Message;
  return {
    id: seq,
    conversationId,
    userId: null,
    data: { type: 'message.new', message },
    createdAt: new Date(),
  };
}

/** A store that records which conversations were looked at, and has nobody to push to. */
function recordingStore() {
  const looked: string[] = [];
  const store = {
    async getConversation(id: string) {
      looked.push(id);
      return null;
    },
  } as unknown as Store;
  return { store, looked };
}

function notifier(store: Store, maxQueued = 10) {
  return createPushNotifier({
    store,
    presence: { onlineAmong: async () => new Set<string>() },
    users: { get: async () => [] },
    vapid: { publicKey: 'p', privateKey: 'k', subject: 'mailto:x@example.com' },
    now: () => new Date(),
    onError: (error) => {
      throw error;
    },
    maxQueued,
  });
}

describe('the push queue', () => {
  it('takes committed messages without doing any work on the caller’s turn', async () => {
    const { store, looked } = recordingStore();
    const push = notifier(store);
    push.enqueue([newMessage('c1', 'a'), newMessage('c2', 'a')]);
    expect(looked).toEqual([]);
    expect(push.stats().queued).toBe(2);
    await push.idle();
    expect(looked).toEqual(['c1', 'c2']);
  });

  it('coalesces a sender’s messages in one conversation, leaves out system lines, drops when full', async () => {
    const { store, looked } = recordingStore();
    const push = notifier(store, 2);
    push.enqueue([
      newMessage('c1', 'a'),
      newMessage('c1', 'a'),
      newMessage('c1', 'b'),
      newMessage('c2', 'a', 'system'),
      newMessage('c3', 'a'),
    ]);
    expect(push.stats()).toMatchObject({ queued: 2, coalesced: 1, dropped: 1 });
    await push.idle();
    expect(looked).toEqual(['c1', 'c1']);
  });

  it('takes nothing more once stopped', async () => {
    const { store, looked } = recordingStore();
    const push = notifier(store);
    push.enqueue([newMessage('c1', 'a')]);
    await push.stop();
    push.enqueue([newMessage('c2', 'a')]);
    await new Promise((r) => setImmediate(r));
    expect(looked).toEqual([]);
    expect(push.stats()).toMatchObject({ queued: 0, dropped: 1 });
  });
});
