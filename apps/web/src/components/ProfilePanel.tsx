import { useState } from 'react';
import { useLinkHandler } from '../hooks/useRoute.ts';
import { errorInfo } from '../lib/errors.ts';
import { loadSchemas } from '../lib/schemas.ts';
import { auth } from '../lib/session.ts';
import { useStore } from '../lib/store.ts';
import { toast } from '../lib/toast.ts';
import { trpc } from '../lib/trpc.ts';
import { Avatar } from './Avatar.tsx';
import { Field, zodFieldErrors } from './Field.tsx';
import { BackIcon } from './icons.tsx';

/** My display name and bio. */
export function ProfilePanel() {
  const me = useStore(auth.state, (s) => (s.status === 'signedIn' ? s.user : null));
  const [displayName, setDisplayName] = useState(me?.displayName ?? '');
  const [bio, setBio] = useState(me?.bio ?? '');
  const [errors, setErrors] = useState<Record<string, string[]>>({});
  const update = trpc.users.updateProfile.useMutation();
  const back = useLinkHandler({ name: 'home' });
  if (!me) return null;

  const dirty = displayName !== me.displayName || bio !== me.bio;

  async function save(e: React.FormEvent) {
    e.preventDefault();
    const { profileInput } = await loadSchemas();
    const parsed = profileInput.safeParse({ displayName, bio });
    if (!parsed.success) {
      setErrors(zodFieldErrors(parsed.error.issues));
      return;
    }
    try {
      const user = await update.mutateAsync(parsed.data);
      auth.updateUser(user);
      setDisplayName(user.displayName);
      setBio(user.bio);
      setErrors({});
      toast('Profile saved.', 'info');
    } catch (error) {
      const info = errorInfo(error);
      setErrors(info.fieldErrors);
      if (!Object.keys(info.fieldErrors).length) toast(info.message);
    }
  }

  return (
    <section className="flex min-h-0 flex-1 flex-col" aria-label="Your profile">
      <header className="flex items-center gap-3 border-b border-slate-200 px-3 py-3 md:px-6 dark:border-slate-800">
        <a
          href="/"
          onClick={back}
          aria-label="Back to conversations"
          className="-ml-1 rounded-lg p-1.5 text-slate-600 hover:bg-slate-100 md:hidden dark:text-slate-300 dark:hover:bg-slate-800"
        >
          <BackIcon className="size-6" />
        </a>
        <h2 className="font-semibold">Profile</h2>
      </header>
      <div className="min-h-0 flex-1 overflow-y-auto bg-slate-50 px-4 py-6 dark:bg-slate-900/40">
        <form
          onSubmit={save}
          noValidate
          className="mx-auto max-w-md space-y-5 rounded-2xl bg-white p-6 shadow-sm ring-1 ring-slate-200 dark:bg-slate-900 dark:ring-slate-800"
        >
          <div className="flex items-center gap-4">
            <Avatar user={{ id: me.id, displayName: displayName || me.displayName }} size="lg" />
            <div className="min-w-0">
              <p className="truncate text-lg font-semibold">{displayName || me.displayName}</p>
              <p className="truncate text-sm text-slate-500 dark:text-slate-400">
                @{me.username} · {me.email}
              </p>
            </div>
          </div>
          <Field
            label="Display name"
            name="displayName"
            value={displayName}
            maxLength={64}
            onChange={(e) => setDisplayName(e.target.value)}
            error={errors.displayName}
          />
          <Field
            label="Bio"
            name="bio"
            multiline
            value={bio}
            onChange={(e) => setBio(e.target.value)}
            error={errors.bio ?? errors._}
            hint={`${bio.length} / 280 · a line or two about you`}
          />
          <div className="flex justify-end gap-2">
            <button
              type="button"
              disabled={!dirty || update.isPending}
              onClick={() => {
                setDisplayName(me.displayName);
                setBio(me.bio);
                setErrors({});
              }}
              className="rounded-lg px-4 py-2 text-sm font-medium text-slate-600 hover:bg-slate-100 disabled:opacity-50 dark:text-slate-300 dark:hover:bg-slate-800"
            >
              Reset
            </button>
            <button
              type="submit"
              disabled={!dirty || update.isPending}
              className="rounded-lg bg-indigo-600 px-4 py-2 text-sm font-semibold text-white hover:bg-indigo-500 disabled:opacity-50"
            >
              {update.isPending ? 'Saving…' : 'Save'}
            </button>
          </div>
        </form>
      </div>
    </section>
  );
}
