import { useState } from 'react';
import { navigate } from '../app/navigation.ts';
import { useChat } from '../app/session-context.ts';
import { errorInfo } from '../lib/errors.ts';
import type { PublicUser } from '../lib/protocol.ts';
import { loadSchemas } from '../lib/schemas.ts';
import { trpc } from '../lib/trpc.ts';
import { PictureField, pictureChange } from '../profile/PictureField.tsx';
import { usePictureUpload } from '../profile/usePictureUpload.ts';
import { BackToList } from '../ui/BackToList.tsx';
import { Field, FormError, zodFieldErrors } from '../ui/Field.tsx';
import { PeoplePicker } from './PeoplePicker.tsx';
import { VisibilitySwitch } from './VisibilitySwitch.tsx';

/** A new group: its title, picture, members (found by search), public or private. */
export function CreateGroup() {
  const { engine } = useChat();
  const utils = trpc.useUtils();
  const create = trpc.groups.create.useMutation();
  const [title, setTitle] = useState('');
  const [members, setMembers] = useState<PublicUser[]>([]);
  const [isPublic, setPublic] = useState(false);
  const [errors, setErrors] = useState<Record<string, string[]>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const upload = usePictureUpload();

  async function submit(e: React.FormEvent) {
    e.preventDefault();
    setFormError(null);
    const { createGroupInput } = await loadSchemas();
    const avatarId = pictureChange(upload, false, null);
    const parsed = createGroupInput.safeParse({
      title,
      memberIds: members.map((m) => m.id),
      isPublic,
      ...(avatarId ? { avatarId } : {}),
    });
    if (!parsed.success) {
      setErrors(zodFieldErrors(parsed.error.issues));
      return;
    }
    try {
      const group = await create.mutateAsync(parsed.data);
      await utils.chat.conversations.invalidate();
      navigate({ name: 'conversation', conversationId: group.id }, { replace: true });
    } catch (error) {
      const info = errorInfo(error);
      setErrors(info.fieldErrors);
      if (!Object.keys(info.fieldErrors).length) setFormError(info.message);
    }
  }

  return (
    <section className="flex min-h-0 flex-1 flex-col" aria-labelledby="new-group-title">
      <header className="flex items-center gap-3 border-b border-slate-200 px-3 py-3 md:px-6 dark:border-slate-800">
        <BackToList />
        <h2 id="new-group-title" className="font-semibold">
          New group
        </h2>
      </header>
      <div className="min-h-0 flex-1 overflow-y-auto bg-slate-50 px-4 py-6 dark:bg-slate-900/40">
        <form
          onSubmit={submit}
          noValidate
          data-testid="create-group"
          className="mx-auto max-w-md space-y-5 rounded-2xl bg-white p-6 shadow-sm ring-1 ring-slate-200 dark:bg-slate-900 dark:ring-slate-800"
        >
          <PictureField
            face={{ id: 'new-group', displayName: title || 'Group', avatarId: null }}
            upload={upload}
            removed={false}
            onRemove={() => upload.reset()}
            label="the group's picture"
          />
          <Field
            label="Title"
            name="title"
            value={title}
            maxLength={80}
            onChange={(e) => {
              setTitle(e.target.value);
              setErrors(({ title: _gone, ...rest }) => rest);
            }}
            error={errors.title}
            autoFocus
          />
          <VisibilitySwitch isPublic={isPublic} onChange={setPublic} />
          <PeoplePicker
            selected={members}
            onChange={setMembers}
            exclude={new Set([engine.me])}
            label="Members"
          />
          {errors.memberIds ? (
            <p className="text-xs text-rose-700 dark:text-rose-300" data-testid="field-error">
              {errors.memberIds[0]}
            </p>
          ) : null}
          <FormError message={formError} />
          <div className="flex justify-end">
            <button
              type="submit"
              disabled={create.isPending || upload.uploading}
              className="rounded-lg bg-indigo-600 px-4 py-2 text-sm font-semibold text-white hover:bg-indigo-500 disabled:opacity-50"
            >
              {create.isPending
                ? 'Creating…'
                : `Create group${members.length ? ` with ${members.length + 1}` : ''}`}
            </button>
          </div>
        </form>
      </div>
    </section>
  );
}
