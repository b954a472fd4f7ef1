import { createStore } from '../lib/store.ts';

/** My profile as I am editing it, before it is saved. */
export interface ProfileDraft {
  userId: string;
  displayName?: string;
  bio?: string;
  /** A new picture (uploaded, not saved yet), or null to remove the current one. */
  avatarId?: string | null;
}

export interface ProfileValues {
  displayName: string;
  bio: string;
  avatarId: string | null;
}

/**
 * Unsaved edits outlive the profile screen: leaving it and coming back finds them still there
 * (and a reload warns), instead of silently dropping them.
 */
export const profileDraft = createStore<ProfileDraft | null>(null);

/** What the form shows: the draft's fields over the saved profile. */
export function editedProfile(saved: ProfileValues & { id: string }, draft: ProfileDraft | null) {
  const mine = draft?.userId === saved.id ? draft : null;
  const values: ProfileValues = {
    displayName: mine?.displayName ?? saved.displayName,
    bio: mine?.bio ?? saved.bio,
    avatarId: mine && mine.avatarId !== undefined ? mine.avatarId : saved.avatarId,
  };
  const changed = {
    displayName: values.displayName !== saved.displayName,
    bio: values.bio !== saved.bio,
    avatarId: values.avatarId !== saved.avatarId,
  };
  return { values, changed, dirty: changed.displayName || changed.bio || changed.avatarId };
}

/** Edits one field of my draft. */
export function editProfile(userId: string, patch: Omit<ProfileDraft, 'userId'>) {
  profileDraft.set((d) => ({ ...(d?.userId === userId ? d : { userId }), ...patch }));
}
