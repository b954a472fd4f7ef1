import { randomUUID } from 'node:crypto';
import type Database from 'better-sqlite3-multiple-ciphers';
import { toMessageAttachment } from '../attachments.ts';
import { AttachmentUnavailableError, type AttachmentStore } from '../store.ts';
import type { MessageAttachment, NewAttachment, User } from '../types.ts';
import { toAttachment, toUser, type AttachmentRow, type UserRow } from './rows.ts';

export const attachmentSql = {
  insert: `
    INSERT INTO attachments
      (id, owner_id, kind, mime, size, width, height, variants, name, duration_ms, created_at)
    VALUES
      (@id, @ownerId, @kind, @mime, @size, @width, @height, @variants, @name, @durationMs,
       @createdAt)
    RETURNING *`,
  byId: `SELECT * FROM attachments WHERE id = ?`,
  byIds: `SELECT * FROM attachments WHERE id IN (SELECT value FROM json_each(?))`,
  claimForMessage: `
    UPDATE attachments SET message_id = @messageId, conversation_id = @conversationId
    WHERE id = @id AND owner_id = @ownerId AND message_id IS NULL AND is_avatar = 0
      AND group_avatar_of IS NULL
    RETURNING *`,
  releaseAvatar: `UPDATE attachments SET is_avatar = 0 WHERE owner_id = ? AND is_avatar = 1`,
  // Only an image can be a picture.
  claimAvatar: `
    UPDATE attachments SET is_avatar = 1
    WHERE id = ? AND owner_id = ? AND kind = 'image' AND message_id IS NULL
      AND group_avatar_of IS NULL
    RETURNING id`,
  setUserAvatar: `UPDATE users SET avatar_id = ? WHERE id = ? RETURNING *`,
  unused: `
    SELECT * FROM attachments INDEXED BY attachments_unused
    WHERE message_id IS NULL AND is_avatar = 0 AND group_avatar_of IS NULL AND created_at < ?
    ORDER BY created_at
    LIMIT ?`,
  deleteUnused: `
    DELETE FROM attachments
    WHERE id = ? AND message_id IS NULL AND is_avatar = 0 AND group_avatar_of IS NULL`,
  releaseGroupAvatar: `UPDATE attachments SET group_avatar_of = NULL WHERE group_avatar_of = ?`,
  claimGroupAvatar: `
    UPDATE attachments SET group_avatar_of = @conversationId
    WHERE id = @id AND owner_id = @ownerId AND kind = 'image' AND message_id IS NULL
      AND is_avatar = 0 AND group_avatar_of IS NULL
    RETURNING id`,
};

interface InsertParams {
  id: string;
  ownerId: string;
  kind: string;
  mime: string;
  size: number;
  width: number | null;
  height: number | null;
  variants: string | null;
  name: string | null;
  durationMs: number | null;
  createdAt: number;
}

/** The columns of a new attachment, its kind's set and the others null. */
function insertParams(attachment: NewAttachment): InsertParams {
  const common = {
    id: randomUUID(),
    ownerId: attachment.ownerId,
    kind: attachment.kind,
    mime: attachment.mime,
    size: attachment.size,
    createdAt: attachment.createdAt.getTime(),
  };
  const none = { width: null, height: null, variants: null, name: null, durationMs: null };
  switch (attachment.kind) {
    case 'image':
      return {
        ...common,
        ...none,
        width: attachment.width,
        height: attachment.height,
        variants: JSON.stringify(attachment.variants),
      };
    case 'file':
      return { ...common, ...none, name: attachment.name };
    case 'voice':
      return { ...common, ...none, durationMs: attachment.durationMs };
  }
}

interface ClaimParams {
  id: string;
  ownerId: string;
  messageId: string;
  conversationId: string;
}

/**
 * Claims the sender's attachments for a message; call it inside the transaction that inserts
 * the message. Throws AttachmentUnavailableError (rolling the transaction back) for any that is
 * not the sender's to use, including one listed twice.
 */
export type ClaimAttachments = (claim: {
  ids: string[];
  ownerId: string;
  messageId: string;
  conversationId: string;
}) => MessageAttachment[];

export function attachmentClaimer(db: Database.Database): ClaimAttachments {
  const claim = db.prepare<[ClaimParams], AttachmentRow>(attachmentSql.claimForMessage);
  return ({ ids, ownerId, messageId, conversationId }) =>
    ids.map((id) => {
      const row = claim.get({ id, ownerId, messageId, conversationId });
      if (!row) throw new AttachmentUnavailableError(id);
      return toMessageAttachment(toAttachment(row));
    });
}

/**
 * Makes an upload of `ownerId` the group's picture (its previous one becomes an unused upload,
 * to be collected), or clears it; call it inside the group change's transaction.
 * @throws AttachmentUnavailableError
 */
export type SetGroupAvatar = (opts: {
  conversationId: string;
  attachmentId: string | null;
  ownerId: string;
}) => void;

export function groupAvatarSetter(db: Database.Database): SetGroupAvatar {
  const release = db.prepare<[string]>(attachmentSql.releaseGroupAvatar);
  const claim = db.prepare<
    [{ conversationId: string; id: string; ownerId: string }],
    { id: string }
  >(attachmentSql.claimGroupAvatar);
  return ({ conversationId, attachmentId, ownerId }) => {
    release.run(conversationId);
    if (attachmentId !== null && !claim.get({ conversationId, id: attachmentId, ownerId })) {
      throw new AttachmentUnavailableError(attachmentId);
    }
  };
}

export function attachmentMethods(db: Database.Database): AttachmentStore {
  const insert = db.prepare<[InsertParams], AttachmentRow>(attachmentSql.insert);
  const byId = db.prepare<[string], AttachmentRow>(attachmentSql.byId);
  const byIds = db.prepare<[string], AttachmentRow>(attachmentSql.byIds);
  const releaseAvatar = db.prepare<[string]>(attachmentSql.releaseAvatar);
  const claimAvatar = db.prepare<[string, string], { id: string }>(attachmentSql.claimAvatar);
  const setUserAvatar = db.prepare<[string | null, string], UserRow>(attachmentSql.setUserAvatar);
  const unused = db.prepare<[number, number], AttachmentRow>(attachmentSql.unused);
  const deleteUnused = db.prepare<[string]>(attachmentSql.deleteUnused);

  const setAvatar = db.transaction((userId: string, attachmentId: string | null): User | null => {
    releaseAvatar.run(userId);
    if (attachmentId !== null && !claimAvatar.get(attachmentId, userId)) {
      throw new AttachmentUnavailableError(attachmentId);
    }
    const row = setUserAvatar.get(attachmentId, userId);
    return row ? toUser(row) : null;
  });

  return {
    async createAttachment(attachment) {
      const row = insert.get(insertParams(attachment));
      return toAttachment(row!);
    },

    async getAttachment(id) {
      const row = byId.get(id);
      return row ? toAttachment(row) : null;
    },

    async getAttachments(ids) {
      const found = new Map(byIds.all(JSON.stringify(ids)).map((row) => [row.id, row]));
      return ids.flatMap((id) => {
        const row = found.get(id);
        return row ? [toAttachment(row)] : [];
      });
    },

    async setAvatar(userId, attachmentId) {
      return setAvatar.immediate(userId, attachmentId);
    },

    async listUnusedAttachments({ createdBefore, limit }) {
      return unused.all(createdBefore.getTime(), limit).map(toAttachment);
    },

    async deleteUnusedAttachment(id) {
      return deleteUnused.run(id).changes === 1;
    },
  };
}
