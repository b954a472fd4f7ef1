import { describe, expect, it } from 'vitest';
import { editedProfile, editProfile, profileDraft } from './profile-draft.ts';

const saved = { id: 'ann', displayName: 'Ann', bio: 'Hi', avatarId: 'a1' };

describe('profile draft', () => {
  it('keeps edits until saved or discarded, and only for their owner', () => {
    profileDraft.set(null);
    expect(editedProfile(saved, profileDraft.get()).dirty).toBe(false);
    editProfile('ann', { displayName: 'Ann Archer' });
    editProfile('ann', { avatarId: null });
    const edited = editedProfile(saved, profileDraft.get());
    expect(edited.values).toEqual({ displayName: 'Ann Archer', bio: 'Hi', avatarId: null });
    expect(edited.changed).toEqual({ displayName: true, bio: false, avatarId: true });
    expect(editedProfile({ ...saved, id: 'bob' }, profileDraft.get()).dirty).toBe(false);
    editProfile('ann', { displayName: 'Ann', avatarId: 'a1' });
    expect(editedProfile(saved, profileDraft.get()).dirty).toBe(false);
  });
});
