import { randomUUID } from 'node:crypto';
import { expect } from 'vitest';
import {
  AttachmentUnavailableError,
  ConversationRuleError,
  DuplicateError,
  type Store,
} from '../store.ts';
import type {
  Attachment,
  GroupChange,
  GroupChangeResult,
  Message,
  NewFileAttachment,
  NewImageAttachment,
  NewVoiceAttachment,
  RolePolicy,
  SendResult,
  StoredEvent,
  User,
} from '../types.ts';

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

/** A direct message (opening the conversation of the two when needed). */
export function send(
  store: Store,
  from: User,
  to: User,
  text = 'hello',
  clientMessageId: string = randomUUID(),
): Promise<SendResult> {
  return store.sendMessage({
    senderId: from.id,
    recipientId: to.id,
    text,
    attachmentIds: [],
    mentionUsernames: [],
    clientMessageId,
    createdAt: nextDate(),
  });
}

/** A message to a conversation the sender is in. */
export function post(
  store: Store,
  from: User,
  conversationId: string,
  text = 'hello',
  opts: { mentionUsernames?: string[]; clientMessageId?: string; withheldFrom?: string[] } = {},
): Promise<SendResult> {
  return store.sendMessage({
    senderId: from.id,
    conversationId,
    text,
    attachmentIds: [],
    mentionUsernames: opts.mentionUsernames ?? [],
    clientMessageId: opts.clientMessageId ?? randomUUID(),
    createdAt: nextDate(),
    withheldFrom: opts.withheldFrom,
  });
}

/** The policy the service uses: admins act on members, the owner on admins and members. */
export const MANAGERS: RolePolicy = { owner: ['admin', 'member'], admin: ['member'] };
export const OWNER_ONLY: RolePolicy = { owner: ['admin', 'member'] };

export function changeGroup(
  store: Store,
  change: GroupChange,
  maxMembers = 256,
): Promise<GroupChangeResult> {
  return store.changeGroup({ change, maxMembers, at: nextDate() });
}

/** A group of `actor` (its owner) with `members`. */
export async function createGroup(
  store: Store,
  actor: User,
  members: User[],
  opts: { title?: string; isPublic?: boolean } = {},
): Promise<GroupChangeResult> {
  return changeGroup(store, {
    type: 'create',
    actorId: actor.id,
    title: opts.title ?? 'The group',
    memberIds: members.map((m) => m.id),
    avatarId: null,
    isPublic: opts.isPublic ?? false,
  });
}

/** Everything in the user's stream so far. */
export async function everything(store: Store, user: User): Promise<StoredEvent[]> {
  return store.listUserEvents({
    userId: user.id,
    afterId: 0,
    upToId: await store.lastEventId(),
    limit: 10_000,
  });
}

/** The rule a call was refused for. */
export async function refused(attempt: Promise<unknown>): Promise<string> {
  const error = await attempt.then(
    () => null,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(ConversationRuleError);
  return (error as ConversationRuleError).reason;
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

/** Records an image upload of `owner`, as the server does once its variants are stored. */
export function upload(
  store: Store,
  owner: User,
  over: Partial<NewImageAttachment> = {},
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

/** A plain text message as a store returns it, for unit tests of mappings (nothing stored). */
export function textMessage(over: Partial<Message> = {}): Message {
  return {
    id: 'm-1',
    conversationId: 'c-1',
    seq: 1,
    kind: 'text',
    senderId: 'u-1',
    text: 'hello',
    attachmentIds: [],
    attachments: [],
    mentions: [],
    system: null,
    clientMessageId: 'client-1',
    createdAt: new Date(epoch),
    replyTo: null,
    editedAt: null,
    deletedAt: null,
    forwarded: false,
    reactions: [],
    pinnedAt: null,
    ...over,
  };
}

/** Records a file upload of `owner`, as the server does once its bytes are stored. */
export function uploadFile(
  store: Store,
  owner: User,
  over: Partial<NewFileAttachment> = {},
): Promise<Attachment> {
  return store.createAttachment({
    ownerId: owner.id,
    kind: 'file',
    mime: 'application/pdf',
    name: 'report.pdf',
    size: 54_321,
    createdAt: nextDate(),
    ...over,
  });
}

/** Records a voice note of `owner`, as the server does once its bytes are stored. */
export function uploadVoice(
  store: Store,
  owner: User,
  over: Partial<NewVoiceAttachment> = {},
): Promise<Attachment> {
  return store.createAttachment({
    ownerId: owner.id,
    kind: 'voice',
    mime: 'audio/webm',
    durationMs: 12_340,
    size: 20_480,
    createdAt: nextDate(),
    ...over,
  });
}
