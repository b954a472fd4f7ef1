import type { PrivacySettings, ReceiptMark } from './types.ts';

/** The settings of a user who never chose (every adapter stores these for new users). */
export const DEFAULT_SETTINGS: Readonly<PrivacySettings> = {
  lastSeen: 'everyone',
  readReceipts: true,
  notificationPreviews: true,
};

/** The read mark of a direct conversation where either member turned read receipts off. */
export const NOTHING_READ: Readonly<ReceiptMark> = { lowest: 0, lowestUserId: null, nextLowest: 0 };
