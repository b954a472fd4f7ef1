import type { RouterInputs } from '../lib/protocol.ts';

export type Reason = RouterInputs['users']['report']['reason'];

/** Why someone reports, as the reporter and the admins read it. */
export const REASONS: ReadonlyArray<{ value: Reason; label: string }> = [
  { value: 'spam', label: 'Spam or a scam' },
  { value: 'abuse', label: 'Harassment, threats or hate' },
  { value: 'impersonation', label: 'Pretending to be someone else' },
  { value: 'other', label: 'Something else' },
];
