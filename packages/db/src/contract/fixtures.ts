import { randomUUID } from 'node:crypto';
import { expect } from 'vitest';
import { DuplicateError, type Store } from '../store.ts';
import type { SendResult, User } from '../types.ts';

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
