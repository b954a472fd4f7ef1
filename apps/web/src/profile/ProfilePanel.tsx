import { useEffect, useState } from 'react';
import { toast } from '../app/toast.ts';
import { auth } from '../auth/session.ts';
import { errorInfo } from '../lib/errors.ts';
import { loadSchemas } from '../lib/schemas.ts';
import { useStore } from '../lib/store.ts';
import { chooseTheme, themeChoice, type ThemeChoice } from '../lib/theme.ts';
import { trpc } from '../lib/trpc.ts';
import { BackToList } from '../ui/BackToList.tsx';
import { Field, zodFieldErrors } from '../ui/Field.tsx';
import { Segmented } from '../ui/Segmented.tsx';
import { PictureField } from './PictureField.tsx';
import { editedProfile, editProfile, profileDraft } from './profile-draft.ts';
import { usePictureUpload } from './usePictureUpload.ts';

const THEMES: { value: ThemeChoice; label: string }[] = [
  { value: 'system', label: 'System' },
  { value: 'light', label: 'Light' },
  { value: 'dark', label: 'Dark' },
];

/** Light, dark, or as the device says: remembered on this browser. */
function ThemeSetting() {
  const choice = useStore(themeChoice);
  return (
    <Segmented
      legend="Appearance"
      options={THEMES}
      value={choice}
      onChange={chooseTheme}
      testId="theme-setting"
    />
  );
}

/** My picture, display name and bio; edits not saved yet stay until saved or discarded. */
export function ProfilePanel() {
  const me = useStore(auth.state, (s) => (s.status === 'signedIn' ? s.user : null));
  const draft = useStore(profileDraft);
  const [errors, setErrors] = useState<Record<string, string[]>>({});
  const update = trpc.users.updateProfile.useMutation();
  const upload = usePictureUpload();

  // An uploaded picture joins the draft, so it survives leaving the screen too.
  const uploadedId = upload.picture?.id ?? null;
  useEffect(() => {
    if (me && uploadedId) editProfile(me.id, { avatarId: uploadedId });
  }, [me, uploadedId]);

  const edited = me ? editedProfile(me, draft) : null;
  const dirty = !!edited?.dirty || upload.uploading;

  // Closing or reloading the page with unsaved edits asks first.
  useEffect(() => {
    if (!dirty) return;
    const warn = (e: BeforeUnloadEvent) => e.preventDefault();
    window.addEventListener('beforeunload', warn);
    return () => window.removeEventListener('beforeunload', warn);
  }, [dirty]);

  if (!me || !edited) return null;
  const { values, changed } = edited;

  function discard() {
    profileDraft.set(null);
    upload.reset();
    setErrors({});
  }

  async function save(e: React.FormEvent) {
    e.preventDefault();
    if (!me) return;
    const { profileInput } = await loadSchemas();
    const parsed = profileInput.safeParse({
      ...(changed.displayName ? { displayName: values.displayName } : {}),
      ...(changed.bio ? { bio: values.bio } : {}),
      ...(changed.avatarId ? { avatarId: values.avatarId } : {}),
    });
    if (!parsed.success) {
      setErrors(zodFieldErrors(parsed.error.issues));
      return;
    }
    try {
      const user = await update.mutateAsync(parsed.data);
      auth.updateUser(user);
      discard();
      toast('Profile saved.', 'info');
    } catch (error) {
      const info = errorInfo(error);
      setErrors(info.fieldErrors);
      if (!Object.keys(info.fieldErrors).length) toast(info.message);
    }
  }

  return (
    <section className="flex min-h-0 flex-1 flex-col" aria-labelledby="profile-title">
      <header className="flex items-center gap-3 border-b border-slate-200 px-3 py-3 md:px-6 dark:border-slate-800">
        <BackToList />
        <h2 id="profile-title" className="font-semibold">
          Profile
        </h2>
      </header>
      <div className="min-h-0 flex-1 overflow-y-auto bg-slate-50 px-4 py-6 dark:bg-slate-900/40">
        <form
          onSubmit={save}
          noValidate
          className="mx-auto max-w-md space-y-5 rounded-2xl bg-white p-6 shadow-sm ring-1 ring-slate-200 dark:bg-slate-900 dark:ring-slate-800"
        >
          {edited.dirty ? (
            <p
              role="status"
              data-testid="unsaved-notice"
              className="rounded-lg bg-amber-50 px-3 py-2 text-sm text-amber-900 dark:bg-amber-950 dark:text-amber-100"
            >
              You have unsaved changes.
            </p>
          ) : null}
          <PictureField
            face={{
              id: me.id,
              displayName: values.displayName || me.displayName,
              avatarId: values.avatarId,
            }}
            upload={upload}
            removed={false}
            onRemove={(remove) => editProfile(me.id, { avatarId: remove ? null : undefined })}
            label="your picture"
          />
          <p className="truncate text-sm text-slate-600 dark:text-slate-400">
            @{me.username} · {me.email}
          </p>
          <Field
            label="Display name"
            name="displayName"
            value={values.displayName}
            maxLength={64}
            onChange={(e) => editProfile(me.id, { displayName: e.target.value })}
            error={errors.displayName}
          />
          <Field
            label="Bio"
            name="bio"
            multiline
            value={values.bio}
            onChange={(e) => editProfile(me.id, { bio: e.target.value })}
            error={errors.bio ?? errors._}
            hint={`${values.bio.length} / 280 · a line or two about you`}
          />
          <div className="flex justify-end gap-2">
            <button
              type="button"
              disabled={!dirty || update.isPending}
              onClick={discard}
              className="rounded-lg px-4 py-2 text-sm font-medium text-slate-700 hover:bg-slate-100 disabled:opacity-50 dark:text-slate-300 dark:hover:bg-slate-800"
            >
              Discard changes
            </button>
            <button
              type="submit"
              disabled={!edited.dirty || upload.uploading || update.isPending}
              className="rounded-lg bg-indigo-600 px-4 py-2 text-sm font-semibold text-white hover:bg-indigo-500 disabled:opacity-50"
            >
              {update.isPending ? 'Saving…' : 'Save'}
            </button>
          </div>
        </form>
        <div className="mx-auto mt-4 max-w-md rounded-2xl bg-white p-6 shadow-sm ring-1 ring-slate-200 dark:bg-slate-900 dark:ring-slate-800">
          <ThemeSetting />
        </div>
      </div>
    </section>
  );
}
