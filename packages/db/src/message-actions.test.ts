import { describe, expect, it } from 'vitest';
import {
  checkAction,
  checkNewEmoji,
  groupReactions,
  PREVIEW_LENGTH,
  REACTORS_SHOWN,
  replyPreviewFor,
  requireActionable,
  toReplyPreview,
  type ActionFacts,
} from './message-actions.ts';
import { ConversationRuleError, MessageActionError } from './store.ts';
import type { MembershipPeriod, MessageAction, Role } from './types.ts';

const sent = new Date('2025-03-01T12:00:00.000Z');
const before = new Date(sent.getTime() - 1);
const after = new Date(sent.getTime() + 1);

function period(fromSeq: number, toSeq: number | null = null): MembershipPeriod {
  return { conversationId: 'c', userId: 'u', fromEventId: 1, toEventId: null, fromSeq, toSeq };
}

function facts(over: Partial<ActionFacts> = {}, message: Partial<ActionFacts['message']> = {}) {
  return {
    message: {
      seq: 5,
      senderId: 'sender',
      kind: 'text',
      createdAt: sent,
      deletedAt: null,
      ...message,
    },
    membership: { role: 'member', leftAt: null },
    periods: [period(1)],
    conversationKind: 'group',
    ...over,
  } satisfies ActionFacts;
}

/** The reason an action was refused, or 'allowed'. */
function verdict(action: MessageAction, f: ActionFacts): string {
  try {
    checkAction(action, f);
    return 'allowed';
  } catch (error) {
    if (error instanceof MessageActionError || error instanceof ConversationRuleError)
      return error.reason;
    throw error;
  }
}

const edit = (actorId: string, notBefore = before): MessageAction => ({
  type: 'edit',
  messageId: 'm',
  actorId,
  text: 'new',
  mentionUsernames: [],
  notBefore,
});
const remove = (actorId: string, notBefore = before, adminRoles: Role[] = ['owner', 'admin']) =>
  ({ type: 'delete', messageId: 'm', actorId, notBefore, adminRoles }) as const;
const hide = (actorId: string) => ({ type: 'hide', messageId: 'm', actorId }) as const;
const pin = (actorId: string) => ({ type: 'pin', messageId: 'm', actorId, on: true }) as const;

describe('replies', () => {
  it('preview at most 200 characters and the attachment count, nothing of a deleted message', () => {
    const original = {
      id: 'm',
      senderId: 'u',
      text: 'x'.repeat(PREVIEW_LENGTH + 50),
      attachmentCount: 2,
      deleted: false,
    };
    expect(toReplyPreview(original)).toEqual({
      messageId: 'm',
      senderId: 'u',
      text: 'x'.repeat(PREVIEW_LENGTH),
      attachmentCount: 2,
      deleted: false,
    });
    expect(toReplyPreview({ ...original, deleted: true })).toEqual({
      messageId: 'm',
      senderId: 'u',
      text: '',
      attachmentCount: 0,
      deleted: true,
    });
  });

  it('answer only a text message the sender may see', () => {
    const target = {
      id: 'm',
      senderId: 'u',
      text: 'hi',
      attachmentCount: 0,
      deleted: false,
      kind: 'text' as const,
      seq: 5,
    };
    expect(replyPreviewFor(target, [period(1)])).toMatchObject({ messageId: 'm', text: 'hi' });
    const refusal = (run: () => unknown) => expect(run).toThrow(MessageActionError);
    refusal(() => replyPreviewFor(null, [period(1)]));
    refusal(() => replyPreviewFor({ ...target, kind: 'system' }, [period(1)]));
    refusal(() => replyPreviewFor(target, [period(6)]));
    refusal(() => replyPreviewFor(target, [period(1, 4)]));
  });
});

describe('reaction summaries', () => {
  it('count each emoji per message, reactors earliest first, most reactions first', () => {
    const grouped = groupReactions([
      { messageId: 'm1', emoji: '❤️', userId: 'a' },
      { messageId: 'm1', emoji: '👍', userId: 'b' },
      { messageId: 'm2', emoji: '😮', userId: 'a' },
      { messageId: 'm1', emoji: '👍', userId: 'c' },
      { messageId: 'm1', emoji: '🎉', userId: 'a' },
    ]);
    expect(grouped.get('m1')).toEqual([
      { emoji: '👍', count: 2, userIds: ['b', 'c'] },
      // Equal counts keep the order the emoji were first used in.
      { emoji: '❤️', count: 1, userIds: ['a'] },
      { emoji: '🎉', count: 1, userIds: ['a'] },
    ]);
    expect(grouped.get('m2')).toEqual([{ emoji: '😮', count: 1, userIds: ['a'] }]);
    expect(grouped.get('m3')).toBeUndefined();
  });

  it('name at most 100 reactors of an emoji, with the exact count', () => {
    const rows = Array.from({ length: REACTORS_SHOWN + 20 }, (_, i) => ({
      messageId: 'm',
      emoji: '👍',
      userId: `u${i}`,
    }));
    const [thumbs] = groupReactions(rows).get('m')!;
    expect(thumbs?.count).toBe(REACTORS_SHOWN + 20);
    expect(thumbs?.userIds).toHaveLength(REACTORS_SHOWN);
    expect(thumbs?.userIds.at(-1)).toBe(`u${REACTORS_SHOWN - 1}`);
  });

  it('allow an emoji already there, or a new one below the limit', () => {
    expect(() => checkNewEmoji(['👍', '❤️'], '👍', 2)).not.toThrow();
    expect(() => checkNewEmoji(['👍'], '❤️', 2)).not.toThrow();
    expect(() => checkNewEmoji(['👍', '❤️'], '🎉', 2)).toThrow(MessageActionError);
  });
});

describe('action rules', () => {
  it('hide anything the actor could ever see, even after leaving or once deleted', () => {
    expect(verdict(hide('u'), facts())).toBe('allowed');
    expect(verdict(hide('u'), facts({ membership: { role: 'member', leftAt: sent } }))).toBe(
      'allowed',
    );
    expect(verdict(hide('u'), facts({}, { deletedAt: sent, kind: 'system' }))).toBe('allowed');
    expect(verdict(hide('u'), facts({ membership: null }))).toBe('not_found');
    expect(verdict(hide('u'), facts({ periods: [period(6)] }))).toBe('not_found');
  });

  it('act on a visible text message, not deleted, of a conversation the actor is in now', () => {
    expect(verdict(pin('u'), facts())).toBe('allowed');
    expect(verdict(pin('u'), facts({ periods: [] }))).toBe('not_found');
    expect(verdict(pin('u'), facts({ membership: { role: 'member', leftAt: sent } }))).toBe(
      'not_member',
    );
    expect(verdict(pin('u'), facts({}, { kind: 'system' }))).toBe('system');
    expect(verdict(pin('u'), facts({}, { deletedAt: sent }))).toBe('deleted');
    expect(() => requireActionable(facts({}, { deletedAt: sent }))).toThrow(MessageActionError);
  });

  it('let only the sender edit, from notBefore on', () => {
    expect(verdict(edit('sender'), facts())).toBe('allowed');
    expect(verdict(edit('sender', sent), facts())).toBe('allowed');
    expect(verdict(edit('sender', after), facts())).toBe('too_late');
    expect(verdict(edit('other'), facts({ membership: { role: 'owner', leftAt: null } }))).toBe(
      'not_sender',
    );
  });

  it('let the sender delete in time, and a group’s admins anything at any time', () => {
    const admin = { membership: { role: 'admin', leftAt: null } } as const;
    expect(verdict(remove('sender'), facts())).toBe('allowed');
    expect(verdict(remove('sender', after), facts())).toBe('too_late');
    expect(verdict(remove('other'), facts())).toBe('not_sender');
    expect(verdict(remove('other', after), facts(admin))).toBe('allowed');
    expect(verdict(remove('sender', after), facts(admin))).toBe('allowed');
    expect(verdict(remove('other', before, ['owner']), facts(admin))).toBe('not_sender');
    // In a direct conversation nobody is an admin.
    expect(verdict(remove('other'), facts({ ...admin, conversationKind: 'direct' }))).toBe(
      'not_sender',
    );
  });
});
