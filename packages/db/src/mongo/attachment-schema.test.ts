import mongoose from 'mongoose';
import { afterAll, describe, expect, it } from 'vitest';
import { toAttachment } from './mappers.ts';
import { createModels } from './models.ts';

// Validation needs no server: an unopened connection's models validate documents as they are.
const conn = mongoose.createConnection();
const { Attachment, Message } = createModels(conn);
afterAll(() => conn.close());

const common = {
  _id: 'a-1',
  ownerId: 'u-1',
  size: 2048,
  createdAt: new Date('2025-01-01'),
  messageId: null,
  conversationId: null,
  isAvatar: false,
  groupAvatarOf: null,
  blobId: 'a-1',
};

/** The paths a document of the schema fails on. */
const invalid = (doc: mongoose.Document<string>) =>
  Object.keys(doc.validateSync()?.errors ?? {}).sort();

describe('the attachment schema (mongo)', () => {
  it('requires the fields of each kind, and only those', () => {
    const file = new Attachment({
      ...common,
      kind: 'file',
      mime: 'application/pdf',
      name: 'a.pdf',
    });
    const voice = new Attachment({ ...common, kind: 'voice', mime: 'audio/ogg', durationMs: 1200 });
    expect(invalid(file)).toEqual([]);
    expect(invalid(voice)).toEqual([]);
    expect(toAttachment(file.toObject())).toMatchObject({ kind: 'file', name: 'a.pdf' });
    expect(toAttachment(voice.toObject())).toMatchObject({ kind: 'voice', durationMs: 1200 });
    expect(invalid(new Attachment({ ...common, kind: 'file', mime: 'text/plain' }))).toEqual([
      'name',
    ]);
    expect(invalid(new Attachment({ ...common, kind: 'voice', mime: 'audio/ogg' }))).toEqual([
      'durationMs',
    ]);
    expect(invalid(new Attachment({ ...common, kind: 'image', mime: 'image/png' }))).toEqual([
      'height',
      'variants.display',
      'variants.thumb',
      'width',
    ]);
    expect(invalid(new Attachment({ ...common, kind: 'video', mime: 'video/mp4' }))).toEqual([
      'kind',
    ]);
  });

  it('keeps a message’s copy of a file and a voice note', () => {
    const message = new Message({
      _id: 'm-1',
      conversationId: 'c-1',
      seq: 1,
      senderId: 'u-1',
      clientMessageId: 'c',
      createdAt: new Date(),
      attachments: [
        { id: 'a-1', kind: 'file', mime: 'application/zip', name: 'a.zip', size: 9, url: '/x' },
        { id: 'a-2', kind: 'voice', mime: 'audio/webm', size: 9, durationMs: 5, url: '/y' },
        { id: 'a-3', kind: 'voice', mime: 'audio/webm', url: '/z' },
      ],
    });
    expect(invalid(message)).toEqual(['attachments.2.durationMs', 'attachments.2.size']);
    expect(message.toObject().attachments[0]).toEqual({
      id: 'a-1',
      kind: 'file',
      mime: 'application/zip',
      name: 'a.zip',
      size: 9,
      url: '/x',
    });
  });
});
