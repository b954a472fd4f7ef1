import { useEffect, useRef, useState } from 'react';
import { errorInfo } from '../lib/errors.ts';
import { loadSchemas } from '../lib/schemas.ts';
import { auth } from '../lib/session.ts';
import { useStore } from '../lib/store.ts';
import { toast } from '../lib/toast.ts';
import { trpc } from '../lib/trpc.ts';
import { IMAGE_TYPES, pickImages, uploadImage, UploadError } from '../lib/uploads.ts';
import { Avatar } from './Avatar.tsx';
import { Field, zodFieldErrors } from './Field.tsx';
import { BackToList } from './BackToList.tsx';

/** A new picture chosen on this page: previewed at once, uploaded in the background. */
interface PendingAvatar {
  previewUrl: string;
  progress: number;
  id: string | null;
  error: string | null;
}

/** My picture, display name and bio. */
export function ProfilePanel() {
  const me = useStore(auth.state, (s) => (s.status === 'signedIn' ? s.user : null));
  const [displayName, setDisplayName] = useState(me?.displayName ?? '');
  const [bio, setBio] = useState(me?.bio ?? '');
  const [errors, setErrors] = useState<Record<string, string[]>>({});
  const update = trpc.users.updateProfile.useMutation();
  const [avatar, setAvatar] = useState<PendingAvatar | null>(null);
  const [removeAvatar, setRemoveAvatar] = useState(false);
  const upload = useRef<AbortController | null>(null);
  const fileInput = useRef<HTMLInputElement>(null);

  // The preview's object URL lives as long as it is shown; leaving cancels an upload.
  useEffect(() => {
    const url = avatar?.previewUrl;
    return () => {
      if (url) URL.revokeObjectURL(url);
    };
  }, [avatar?.previewUrl]);
  useEffect(() => () => upload.current?.abort(), []);

  if (!me) return null;

  const uploading = !!avatar && !avatar.id && !avatar.error;
  const avatarChanged = !!avatar?.id || (removeAvatar && !!me.avatarId);
  const dirty = displayName !== me.displayName || bio !== me.bio || avatarChanged;

  function pickAvatar(files: File[]) {
    const { accepted, rejected } = pickImages(files.slice(0, 1), 0);
    const file = accepted[0];
    if (!file) {
      if (rejected[0]) toast(rejected[0].reason);
      return;
    }
    upload.current?.abort();
    const controller = new AbortController();
    upload.current = controller;
    const previewUrl = URL.createObjectURL(file);
    setRemoveAvatar(false);
    setAvatar({ previewUrl, progress: 0, id: null, error: null });
    const patch = (p: Partial<PendingAvatar>) =>
      setAvatar((a) => (a && a.previewUrl === previewUrl ? { ...a, ...p } : a));
    uploadImage(
      file,
      { signal: controller.signal, onProgress: (progress) => patch({ progress }) },
      { auth },
    ).then(
      (attachment) => patch({ id: attachment.id, progress: 1 }),
      (error: unknown) => {
        if (controller.signal.aborted) return;
        const message =
          error instanceof UploadError ? error.message : 'The upload failed. Try again.';
        patch({ error: message });
        toast(`Picture not uploaded: ${message}`);
      },
    );
  }

  function resetAvatar() {
    upload.current?.abort();
    setAvatar(null);
    setRemoveAvatar(false);
  }

  async function save(e: React.FormEvent) {
    e.preventDefault();
    const { profileInput } = await loadSchemas();
    const avatarId = avatar?.id ? avatar.id : removeAvatar && me?.avatarId ? null : undefined;
    const parsed = profileInput.safeParse({
      displayName,
      bio,
      ...(avatarId !== undefined ? { avatarId } : {}),
    });
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
      setAvatar(null);
      setRemoveAvatar(false);
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
        <BackToList />
        <h2 className="font-semibold">Profile</h2>
      </header>
      <div className="min-h-0 flex-1 overflow-y-auto bg-slate-50 px-4 py-6 dark:bg-slate-900/40">
        <form
          onSubmit={save}
          noValidate
          className="mx-auto max-w-md space-y-5 rounded-2xl bg-white p-6 shadow-sm ring-1 ring-slate-200 dark:bg-slate-900 dark:ring-slate-800"
        >
          <div className="flex items-center gap-4">
            <div className="relative" data-testid="profile-avatar">
              <Avatar
                user={{
                  id: me.id,
                  displayName: displayName || me.displayName,
                  avatarId: removeAvatar ? null : me.avatarId,
                }}
                src={avatar?.previewUrl}
                size="xl"
              />
              {uploading ? (
                <div
                  role="progressbar"
                  aria-label="Uploading your picture"
                  aria-valuemin={0}
                  aria-valuemax={100}
                  aria-valuenow={Math.round((avatar?.progress ?? 0) * 100)}
                  className="absolute inset-x-2 bottom-1 h-1.5 overflow-hidden rounded-full bg-white/80"
                >
                  <div
                    className="h-full rounded-full bg-indigo-600 transition-[width]"
                    style={{ width: `${Math.round((avatar?.progress ?? 0) * 100)}%` }}
                  />
                </div>
              ) : null}
            </div>
            <div className="min-w-0">
              <p className="truncate text-lg font-semibold">{displayName || me.displayName}</p>
              <p className="truncate text-sm text-slate-500 dark:text-slate-400">
                @{me.username} · {me.email}
              </p>
              <div className="mt-2 flex flex-wrap gap-2">
                <input
                  ref={fileInput}
                  type="file"
                  accept={IMAGE_TYPES.join(',')}
                  hidden
                  data-testid="avatar-input"
                  onChange={(e) => {
                    pickAvatar(Array.from(e.target.files ?? []));
                    e.target.value = '';
                  }}
                />
                <button
                  type="button"
                  onClick={() => fileInput.current?.click()}
                  className="rounded-lg px-3 py-1.5 text-sm font-medium text-indigo-700 ring-1 ring-indigo-200 hover:bg-indigo-50 dark:text-indigo-300 dark:ring-indigo-800 dark:hover:bg-indigo-950"
                >
                  {me.avatarId || avatar ? 'Change picture' : 'Add a picture'}
                </button>
                {(me.avatarId && !removeAvatar) || avatar ? (
                  <button
                    type="button"
                    onClick={() => {
                      resetAvatar();
                      if (!avatar) setRemoveAvatar(true);
                    }}
                    className="rounded-lg px-3 py-1.5 text-sm font-medium text-slate-600 hover:bg-slate-100 dark:text-slate-300 dark:hover:bg-slate-800"
                  >
                    {avatar ? 'Cancel' : 'Remove'}
                  </button>
                ) : null}
              </div>
              {avatar?.error ? (
                <p className="mt-1 text-xs text-rose-600" role="alert">
                  {avatar.error}
                </p>
              ) : avatar ? (
                <p className="mt-1 text-xs text-slate-500 dark:text-slate-400" aria-live="polite">
                  {uploading ? 'Uploading…' : 'Save to use this picture.'}
                </p>
              ) : null}
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
                resetAvatar();
              }}
              className="rounded-lg px-4 py-2 text-sm font-medium text-slate-600 hover:bg-slate-100 disabled:opacity-50 dark:text-slate-300 dark:hover:bg-slate-800"
            >
              Reset
            </button>
            <button
              type="submit"
              disabled={!dirty || uploading || update.isPending}
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
