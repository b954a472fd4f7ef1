import type { PrivacySettings } from '../lib/protocol.ts';

export type { PrivacySettings };
export type SettingsPatch = Partial<PrivacySettings>;

/**
 * After a change the server refused: the fields it changed go back to what they were, unless
 * a later change has moved them since (that one stands, or fails on its own).
 */
export function revertPatch(
  current: PrivacySettings,
  patch: SettingsPatch,
  before: PrivacySettings,
): PrivacySettings {
  const next = { ...current };
  for (const key of Object.keys(patch) as (keyof PrivacySettings)[]) {
    if (current[key] === patch[key]) Object.assign(next, { [key]: before[key] });
  }
  return next;
}
