import { useState } from 'react';
import { useChat } from '../app/session-context.ts';
import { toast } from '../app/toast.ts';
import { presenceText } from '../conversations/ConversationScreen.tsx';
import { errorInfo } from '../lib/errors.ts';
import type { Conversation, Member, PublicUser, Role } from '../lib/protocol.ts';
import { useNow } from '../lib/useNow.ts';
import { trpc } from '../lib/trpc.ts';
import { PictureField, pictureChange } from '../profile/PictureField.tsx';
import { usePictureUpload } from '../profile/usePictureUpload.ts';
import { usePresence } from '../realtime/hooks.ts';
import { Avatar } from '../ui/Avatar.tsx';
import { Field } from '../ui/Field.tsx';
import { MoreIcon } from '../ui/icons.tsx';
import { onListKeyDown } from '../ui/list-navigation.ts';
import { Menu } from '../ui/Menu.tsx';
import { Panel, PanelSection } from '../ui/Panel.tsx';
import { formatGroupSize, ROLE_LABEL } from './group-text.ts';
import { PeoplePicker } from './PeoplePicker.tsx';
import { canAdd, canEdit, canRemove, rolesICanGive } from './permissions.ts';
import { useMembers } from './useMembers.ts';
import { VisibilitySwitch } from './VisibilitySwitch.tsx';

const ROLE_ACTION: Record<Role, string> = {
  owner: 'Make owner',
  admin: 'Make admin',
  member: 'Remove as admin',
};

/** Refreshes what a change shows (its system message updates them live too). */
function useGroupChange() {
  const utils = trpc.useUtils();
  return (conversationId: string) =>
    Promise.all([
      utils.chat.conversations.invalidate(),
      utils.groups.members.invalidate({ conversationId }),
    ]);
}

function MemberRow({
  member,
  me,
  myRole,
  conversationId,
}: {
  member: Member;
  me: string;
  myRole: Role | null;
  conversationId: string;
}) {
  const presence = usePresence(member.user);
  const now = useNow(30_000);
  const refresh = useGroupChange();
  const setRole = trpc.groups.setRole.useMutation();
  const remove = trpc.groups.removeMember.useMutation();
  const self = member.user.id === me;
  const roles = rolesICanGive(myRole, member.role, self);
  const removable = !self && canRemove(myRole, member.role);
  const busy = setRole.isPending || remove.isPending;
  const name = member.user.displayName;

  const act = async (work: () => Promise<unknown>) => {
    try {
      await work();
      await refresh(conversationId);
    } catch (error) {
      toast(errorInfo(error).message);
    }
  };

  return (
    <li
      className="flex items-center gap-3 rounded-lg px-2 py-2 focus-within:bg-slate-50 dark:focus-within:bg-slate-900"
      data-testid="member"
      data-username={member.user.username}
      data-role={member.role}
    >
      <Avatar user={member.user} size="sm" online={presence.state === 'online'} />
      <span className="min-w-0 flex-1">
        <span className="flex items-center gap-2">
          <span className="truncate text-sm font-medium">{self ? `${name} (you)` : name}</span>
          {member.role !== 'member' ? (
            <span
              className="shrink-0 rounded bg-indigo-50 px-1.5 py-0.5 text-[11px] font-semibold text-indigo-800 dark:bg-indigo-950 dark:text-indigo-200"
              data-testid="member-role"
            >
              {ROLE_LABEL[member.role]}
            </span>
          ) : null}
        </span>
        {self ? null : (
          <span
            className={`block truncate text-xs ${presence.state === 'online' ? 'text-emerald-700 dark:text-emerald-300' : 'text-slate-600 dark:text-slate-400'}`}
            data-testid="member-presence"
          >
            {presenceText(presence, now)}
          </span>
        )}
      </span>
      {roles.length || removable ? (
        <Menu
          label={`Manage ${name}`}
          testId="member-menu"
          buttonClass="inline-flex size-9 shrink-0 items-center justify-center rounded-lg text-slate-600 hover:bg-slate-100 disabled:opacity-50 dark:text-slate-300 dark:hover:bg-slate-800"
          items={[
            ...roles.map((role) => ({
              label: ROLE_ACTION[role],
              onSelect: () => {
                if (
                  role === 'owner' &&
                  !window.confirm(`Make ${name} the owner? You will become an admin.`)
                )
                  return;
                void act(() =>
                  setRole.mutateAsync({ conversationId, userId: member.user.id, role }),
                );
              },
            })),
            ...(removable
              ? [
                  {
                    label: 'Remove from group',
                    tone: 'danger' as const,
                    onSelect: () => {
                      if (!window.confirm(`Remove ${name} from the group?`)) return;
                      void act(() =>
                        remove.mutateAsync({ conversationId, userId: member.user.id }),
                      );
                    },
                  },
                ]
              : []),
          ]}
        >
          {busy ? (
            <span className="size-4 animate-spin rounded-full border-2 border-slate-400 border-t-transparent" />
          ) : (
            <MoreIcon />
          )}
        </Menu>
      ) : null}
    </li>
  );
}

/** Title, picture and visibility, for admins and the owner. */
function GroupSettings({ conversation: c }: { conversation: Conversation }) {
  const update = trpc.groups.update.useMutation();
  const refresh = useGroupChange();
  const [title, setTitle] = useState(c.title ?? '');
  const [errors, setErrors] = useState<Record<string, string[]>>({});
  const upload = usePictureUpload();
  const [removed, setRemoved] = useState(false);
  const avatarId = pictureChange(upload, removed, c.avatarId);
  const dirty = title.trim() !== (c.title ?? '') || avatarId !== undefined;

  async function save(patch: { title?: string; avatarId?: string | null; isPublic?: boolean }) {
    try {
      await update.mutateAsync({ conversationId: c.id, ...patch });
      setErrors({});
      upload.reset();
      setRemoved(false);
      await refresh(c.id);
    } catch (error) {
      const info = errorInfo(error);
      setErrors(info.fieldErrors);
      if (!Object.keys(info.fieldErrors).length) toast(info.message);
    }
  }

  return (
    <form
      className="space-y-4"
      data-testid="group-settings"
      onSubmit={(e) => {
        e.preventDefault();
        if (!dirty) return;
        void save({
          ...(title.trim() !== (c.title ?? '') ? { title } : {}),
          ...(avatarId !== undefined ? { avatarId } : {}),
        });
      }}
    >
      <PictureField
        face={{ id: c.id, displayName: title || 'Group', avatarId: c.avatarId }}
        upload={upload}
        removed={removed}
        onRemove={setRemoved}
        label="the group's picture"
      />
      <Field
        label="Title"
        name="title"
        value={title}
        maxLength={80}
        onChange={(e) => setTitle(e.target.value)}
        error={errors.title ?? errors._}
      />
      <div className="flex justify-end gap-2">
        <button
          type="button"
          disabled={!dirty || update.isPending}
          onClick={() => {
            setTitle(c.title ?? '');
            upload.reset();
            setRemoved(false);
          }}
          className="rounded-lg px-3 py-1.5 text-sm font-medium text-slate-700 hover:bg-slate-100 disabled:opacity-50 dark:text-slate-300 dark:hover:bg-slate-800"
        >
          Reset
        </button>
        <button
          type="submit"
          disabled={!dirty || update.isPending || upload.uploading}
          className="rounded-lg bg-indigo-600 px-3 py-1.5 text-sm font-semibold text-white hover:bg-indigo-500 disabled:opacity-50"
        >
          Save
        </button>
      </div>
      <VisibilitySwitch
        isPublic={c.isPublic}
        disabled={update.isPending}
        onChange={(isPublic) => void save({ isPublic })}
      />
    </form>
  );
}

function AddMembers({ conversationId, members }: { conversationId: string; members: Member[] }) {
  const { engine } = useChat();
  const add = trpc.groups.addMembers.useMutation();
  const refresh = useGroupChange();
  const [picked, setPicked] = useState<PublicUser[]>([]);
  const [round, setRound] = useState(0);
  const exclude = new Set([engine.me, ...members.map((m) => m.user.id)]);
  return (
    <div className="space-y-3" data-testid="add-members">
      <PeoplePicker key={round} selected={picked} onChange={setPicked} exclude={exclude} />
      {picked.length ? (
        <button
          type="button"
          disabled={add.isPending}
          onClick={() =>
            void add
              .mutateAsync({ conversationId, userIds: picked.map((u) => u.id) })
              .then(() => {
                setPicked([]);
                setRound((r) => r + 1);
                return refresh(conversationId);
              })
              .catch((error: unknown) => toast(errorInfo(error).message))
          }
          className="rounded-lg bg-indigo-600 px-3 py-1.5 text-sm font-semibold text-white hover:bg-indigo-500 disabled:opacity-50"
        >
          Add {picked.length === 1 ? picked[0]!.displayName : `${picked.length} people`}
        </button>
      ) : null}
    </div>
  );
}

/** A group's details: picture, title, members with roles and presence, and what I may change. */
export function GroupInfo({
  conversation: c,
  onClose,
}: {
  conversation: Conversation;
  onClose: () => void;
}) {
  const { engine } = useChat();
  const { query, members } = useMembers(c);
  const leave = trpc.groups.leave.useMutation();
  const refresh = useGroupChange();
  const member = c.myRole !== null;
  const title = c.title ?? 'Group';
  return (
    <Panel title="Group info" onClose={onClose} testId="group-info">
      <div className="flex flex-col items-center gap-2 px-5 py-6 text-center">
        {/* Editors change the picture in Settings, where it shows. */}
        {canEdit(c.myRole) ? null : (
          <Avatar user={{ id: c.id, displayName: title, avatarId: c.avatarId }} size="xl" />
        )}
        <p className="text-lg font-semibold" data-testid="group-title">
          {title}
        </p>
        <p className="text-sm text-slate-600 dark:text-slate-400">
          {c.isPublic ? 'Public group' : 'Private group'} · {formatGroupSize(c.memberCount)}
        </p>
      </div>
      {canEdit(c.myRole) ? (
        <PanelSection title="Settings">
          <GroupSettings conversation={c} />
        </PanelSection>
      ) : null}
      {member ? (
        <PanelSection title={`Members (${c.memberCount})`} testId="members">
          {query.isPending ? (
            <p className="text-sm text-slate-600 dark:text-slate-400">Loading members…</p>
          ) : query.isError ? (
            <p className="text-sm text-rose-700">{query.error.message}</p>
          ) : (
            <ul className="-mx-2" onKeyDown={onListKeyDown}>
              {members.map((m) => (
                <MemberRow
                  key={m.user.id}
                  member={m}
                  me={engine.me}
                  myRole={c.myRole}
                  conversationId={c.id}
                />
              ))}
            </ul>
          )}
        </PanelSection>
      ) : (
        <PanelSection title="Members">
          <p className="text-sm text-slate-600 dark:text-slate-400">
            You are no longer a member: the member list is for members.
          </p>
        </PanelSection>
      )}
      {canAdd(c.myRole) && !c.closed ? (
        <PanelSection title="Add members">
          <AddMembers conversationId={c.id} members={members} />
        </PanelSection>
      ) : null}
      {member ? (
        <PanelSection title="Leave">
          <button
            type="button"
            disabled={leave.isPending}
            data-testid="leave-group"
            onClick={() => {
              const handover =
                c.myRole === 'owner'
                  ? ' The longest-standing admin (or member) becomes the owner.'
                  : '';
              if (!window.confirm(`Leave “${title}”?${handover}`)) return;
              void leave
                .mutateAsync({ conversationId: c.id })
                .then(() => refresh(c.id))
                .catch((error: unknown) => toast(errorInfo(error).message));
            }}
            className="w-full rounded-lg px-3 py-2 text-sm font-semibold text-rose-800 ring-1 ring-rose-200 hover:bg-rose-50 dark:text-rose-200 dark:ring-rose-900 dark:hover:bg-rose-950"
          >
            Leave group
          </button>
        </PanelSection>
      ) : null}
    </Panel>
  );
}
