import mongoose from 'mongoose';
import { describe, expect, it } from 'vitest';
import { textMessage } from '../contract/fixtures.ts';
import { DEFAULT_SETTINGS } from '../privacy.ts';
import { toMessageDoc } from './mappers.ts';
import {
  MESSAGE_ACTION_DEFAULTS,
  MIGRATIONS,
  SCHEMA_VERSION,
  migrateToSafety,
  upgradeConversation,
} from './migrations.ts';
import { createModels } from './models.ts';

describe('migration to the event log (v1 → v2)', () => {
  it('gives an old direct conversation its member rows, periods from the start, and new fields', () => {
    const createdAt = new Date('2024-01-01T00:00:00.000Z');
    const upgraded = upgradeConversation({
      _id: 'c-1',
      createdAt,
      members: [
        { userId: 'u-1', deliveredSeq: 4, readSeq: 3 },
        { userId: 'u-2', deliveredSeq: 0, readSeq: 0 },
      ],
    });

    expect(upgraded.members).toEqual([
      {
        conversationId: 'c-1',
        userId: 'u-1',
        role: 'member',
        joinedAt: createdAt,
        leftAt: null,
        deliveredSeq: 4,
        readSeq: 3,
      },
      expect.objectContaining({ userId: 'u-2', deliveredSeq: 0, readSeq: 0 }),
    ]);
    expect(upgraded.periods).toEqual(
      ['u-1', 'u-2'].map((userId) => ({
        userId,
        conversationId: 'c-1',
        fromEventId: 0,
        toEventId: null,
        fromSeq: 1,
        toSeq: null,
      })),
    );
    expect(upgraded.fields).toEqual({
      title: null,
      avatarId: null,
      isPublic: false,
      createdBy: null,
      memberCount: 2,
      closedAt: null,
    });
  });
});

describe('migration to message actions (v2 → v3)', () => {
  it('gives old messages the values a new message is stored with', () => {
    const fresh = toMessageDoc(textMessage());
    expect(fresh).toMatchObject(MESSAGE_ACTION_DEFAULTS);
  });
});

describe('migration to safety and privacy (v3 → v4)', () => {
  it('gives old users the settings a new user is stored with', async () => {
    // A connection that never opens: building a document needs none.
    const conn = mongoose.createConnection();
    const { User } = createModels(conn);
    const created = new User({
      username: 'alice',
      email: 'alice@example.com',
      passwordHash: 'h',
      displayName: 'Alice',
    }).toObject();
    await conn.close();
    expect(created.privacy).toEqual(DEFAULT_SETTINGS);
    expect(MIGRATIONS.find((step) => step.version === 4)?.up).toBe(migrateToSafety);
  });
});

describe('migrations', () => {
  it('runs the steps in order, the last one being the schema this build writes', () => {
    const versions = MIGRATIONS.map((step) => step.version);
    expect(versions).toEqual([...versions].sort((a, b) => a - b));
    expect(new Set(versions).size).toBe(versions.length);
    expect(SCHEMA_VERSION).toBe(4);
    expect(versions.at(-1)).toBe(SCHEMA_VERSION);
  });
});
