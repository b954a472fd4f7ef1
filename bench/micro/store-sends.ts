import type { Store } from '@parley/db';

/** Two users, alice and bob, on `store`. */
export async function pairOf(store: Store) {
  const [alice, bob] = await Promise.all(
    ['alice', 'bob'].map((username) =>
      store.createUser({
        username,
        email: `${username}@bench.test`,
        passwordHash: 'x',
        displayName: username,
      }),
    ),
  );
  return { alice: alice!, bob: bob! };
}

/**
 * Sends `messages` from `from` to `to`, `inFlight` at a time (the store group-commits the sends
 * of one turn, as under the server); resolves with their conversation's id.
 */
export async function sendMessages(
  store: Store,
  { from, to }: { from: { id: string }; to: { id: string } },
  messages: number,
  inFlight: number,
): Promise<string> {
  let conversationId = '';
  for (let sent = 0; sent < messages; sent += inFlight) {
    const batch = await Promise.all(
      Array.from({ length: inFlight }, (_, i) =>
        store.sendMessage({
          senderId: from.id,
          recipientId: to.id,
          text: `message ${sent + i}: the quick brown fox jumps over the lazy dog`,
          attachmentIds: [],
          mentionUsernames: [],
          clientMessageId: `m-${sent + i}`,
          createdAt: new Date(),
        }),
      ),
    );
    conversationId = batch[0]!.message.conversationId;
  }
  return conversationId;
}
