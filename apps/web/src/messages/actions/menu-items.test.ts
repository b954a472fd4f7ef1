import { describe, expect, it } from 'vitest';
import { displayMessage } from '../../lib/testing.ts';
import { canDeleteForEveryone, menuActions } from './menu-items.ts';

describe('menuActions', () => {
  it('mine: reply, copy, forward, pin, edit, info, delete', () => {
    expect(menuActions(displayMessage(), { mine: true, member: true })).toEqual([
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
      menuActions(displayMessage({ senderId: 'bob', pinned: true }), { mine: false, member: true }),
    ).toEqual(['reply', 'copy', 'forward', 'unpin', 'delete', 'report']);
  });

  it('an image without text has nothing to copy or edit', () => {
    expect(menuActions(displayMessage({ text: '' }), { mine: true, member: true })).toEqual([
      'reply',
      'forward',
      'pin',
      'info',
      'delete',
    ]);
  });

  it('a forwarded copy of mine is not mine to edit', () => {
    expect(
      menuActions(displayMessage({ forwarded: true }), { mine: true, member: true }),
    ).not.toContain('edit');
  });

  it('after leaving a group: no reply, pin or edit', () => {
    expect(menuActions(displayMessage(), { mine: true, member: false })).toEqual([
      'copy',
      'forward',
      'info',
      'delete',
    ]);
  });

  it('a tombstone can only be deleted for me; pending, failed and system lines have no menu', () => {
    expect(
      menuActions(displayMessage({ deleted: true, text: '' }), { mine: true, member: true }),
    ).toEqual(['delete']);
    for (const over of [
      { status: 'pending' as const },
      { status: 'failed' as const },
      { id: null },
      { kind: 'system' as const },
    ])
      expect(menuActions(displayMessage(over), { mine: true, member: true })).toEqual([]);
  });
});

describe('canDeleteForEveryone', () => {
  it('mine, or anyone’s as an admin; never a tombstone again', () => {
    expect(canDeleteForEveryone(displayMessage(), true, false)).toBe(true);
    expect(canDeleteForEveryone(displayMessage(), false, false)).toBe(false);
    expect(canDeleteForEveryone(displayMessage(), false, true)).toBe(true);
    expect(canDeleteForEveryone(displayMessage({ deleted: true }), true, true)).toBe(false);
  });
});
