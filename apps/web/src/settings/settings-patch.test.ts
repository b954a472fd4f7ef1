import { describe, expect, it } from 'vitest';
import { revertPatch, type PrivacySettings } from './settings-patch.ts';

const before: PrivacySettings = {
  lastSeen: 'everyone',
  readReceipts: true,
  notificationPreviews: true,
};

describe('undoing a refused settings change', () => {
  it('puts back what the refused change set', () => {
    const current = { ...before, lastSeen: 'nobody' as const };
    expect(revertPatch(current, { lastSeen: 'nobody' }, before)).toEqual(before);
  });

  it('keeps a later change to the same field and other fields changed since', () => {
    const current = { ...before, lastSeen: 'contacts' as const, readReceipts: false };
    expect(revertPatch(current, { lastSeen: 'nobody' }, before)).toEqual(current);
  });
});
