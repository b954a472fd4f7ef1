import { describe, expect, it } from 'vitest';
import { displayMessage } from '../../lib/testing.ts';
import { canDeleteForEveryone, inEditWindow, menuActions } from './menu-items.ts';

describe('menuActions', () => {
  it('mine: reply, copy, forward, pin, edit, info, delete', () => {
    expect(menuActions(displayMessage(), { mine: true, member: true, inTime: true })).toEqual([
      'reply',
      'copy',
      'forward',
      'pin',
      'edit',
      'info',
      'delete',
    ]);
  });

  it('theirs: no edit or info, but report; a pinned one unpins', () => {
    expect(
      menuActions(displayMessage({ senderId: 'bob', pinned: true }), {
        mine: false,
        member: true,
        inTime: true,
      }),
    ).toEqual(['reply', 'copy', 'forward', 'unpin', 'delete', 'report']);
  });

  it('an image without text has nothing to copy or edit', () => {
    expect(
      menuActions(displayMessage({ text: '' }), { mine: true, member: true, inTime: true }),
    ).toEqual(['reply', 'forward', 'pin', 'info', 'delete']);
  });

  it('a forwarded copy of mine is not mine to edit', () => {
    expect(
      menuActions(displayMessage({ forwarded: true }), { mine: true, member: true, inTime: true }),
    ).not.toContain('edit');
  });

  it('after leaving a group: no reply, pin or edit', () => {
    expect(menuActions(displayMessage(), { mine: true, member: false, inTime: true })).toEqual([
      'copy',
      'forward',
      'info',
      'delete',
    ]);
  });

  it('a tombstone can only be deleted for me; pending, failed and system lines have no menu', () => {
    expect(
      menuActions(displayMessage({ deleted: true, text: '' }), {
        mine: true,
        member: true,
        inTime: true,
      }),
    ).toEqual(['delete']);
    for (const over of [
      { status: 'pending' as const },
      { status: 'failed' as const },
      { id: null },
      { kind: 'system' as const },
    ])
      expect(menuActions(displayMessage(over), { mine: true, member: true, inTime: true })).toEqual(
        [],
      );
  });
});

describe('the edit window', () => {
  it('offers Edit only while the server allows it', () => {
    const sent = displayMessage({ createdAt: new Date('2026-12-01T10:00:00Z') });
    const at = (iso: string) => new Date(iso).getTime();
    const hour = 3600_000;
    expect(inEditWindow(sent, hour, at('2026-12-01T10:59:59Z'))).toBe(true);
    expect(inEditWindow(sent, hour, at('2026-12-01T11:00:00Z'))).toBe(false);
    expect(inEditWindow(sent, 0, at('2026-12-01T10:00:00Z'))).toBe(false);
    // Not known yet: offered, and the server has the last word.
    expect(inEditWindow(sent, null, at('2030-01-01T00:00:00Z'))).toBe(true);
    expect(menuActions(sent, { mine: true, member: true, inTime: false })).not.toContain('edit');
  });
});

describe('canDeleteForEveryone', () => {
  it('mine, or anyone’s as an admin; never a tombstone again', () => {
    const rights = { mine: true, inTime: true, admin: false };
    expect(canDeleteForEveryone(displayMessage(), rights)).toBe(true);
    expect(canDeleteForEveryone(displayMessage(), { ...rights, mine: false })).toBe(false);
    expect(canDeleteForEveryone(displayMessage(), { ...rights, mine: false, admin: true })).toBe(
      true,
    );
    expect(
      canDeleteForEveryone(displayMessage({ deleted: true }), { ...rights, admin: true }),
    ).toBe(false);
    // Past the window only for me, unless I administer the group.
    expect(canDeleteForEveryone(displayMessage(), { ...rights, inTime: false })).toBe(false);
    expect(canDeleteForEveryone(displayMessage(), { ...rights, inTime: false, admin: true })).toBe(
      true,
    );
  });
});
