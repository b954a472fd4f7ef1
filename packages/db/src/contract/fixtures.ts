import { randomUUID } from 'node:crypto';
import { expect } from 'vitest';
import { AttachmentUnavailableError, DuplicateError, type Store } from '../store.ts';
import type { Attachment, NewAttachment, SendResult, User } from '../types.ts';

export interface ContractContext {
  // The fresh store of the running test.
  store(): Store;
  // Opens one more fresh store; the test closes it.
  open(): Promise<Store>;
}

const epoch = Date.parse('2025-03-01T12:00:00.000Z');
let ticks = 0;

// A point in time after every earlier call, so that activity order is well defined.
export function nextDate(): Date {
  ticks += 1;
  return new Date(epoch + ticks * 1000);
}

export async function createUsers<const Names extends readonly string[]>(
  store: Store,
  ...names: Names
): Promise<{ [K in keyof Names]: User }> {
  const users: User[] = [];
  for (const name of names) {
    users.push(
      await store.createUser({
        username: name,
        email: `${name}@example.com`,
        passwordHash: `hash-of-${name}`,
        displayName: name.charAt(0).toUpperCase() + name.slice(1),
      }),
    );
  }
  return users as { [K in keyof Names]: User };
}

export function send(
  store: Store,
  from: User,
  to: User,
  text = 'hello',
  clientMessageId: string = randomUUID(),
): Promise<SendResult> {
  return store.sendMessage({
    senderId: from.id,
    recipientIds: [to.id],
    text,
    attachmentIds: [],
    clientMessageId,
    createdAt: nextDate(),
  });
}

export async function expectDuplicate(
  attempt: Promise<unknown>,
  field: DuplicateError['field'],
): Promise<void> {
  const error = await attempt.then(
    () => null,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(DuplicateError);
  expect((error as DuplicateError).field).toBe(field);
}

export function only<T>(items: readonly T[]): T {
  expect(items).toHaveLength(1);
  return items[0] as T;
}

/** Records an upload of `owner`, as the server does once its variants are stored. */
export function upload(
  store: Store,
  owner: User,
  over: Partial<NewAttachment> = {},
): Promise<Attachment> {
  return store.createAttachment({
    ownerId: owner.id,
    kind: 'image',
    mime: 'image/jpeg',
    size: 123_456,
    width: 4000,
    height: 3000,
    variants: {
      display: { width: 1600, height: 1200, size: 200_000 },
      thumb: { width: 320, height: 240, size: 12_000 },
    },
    createdAt: nextDate(),
    ...over,
  });
}

/** The AttachmentUnavailableError a call rejected with. */
export async function unavailable(attempt: Promise<unknown>): Promise<AttachmentUnavailableError> {
  const error = await attempt.then(
    () => null,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(AttachmentUnavailableError);
  return error as AttachmentUnavailableError;
}
