import { lazy, Suspense, useMemo, useState, type ReactNode } from 'react';
import { toast } from '../../app/toast.ts';
import { useMe } from '../../auth/useMe.ts';
import { canEdit } from '../../groups/permissions.ts';
import { errorInfo } from '../../lib/errors.ts';
import type { Conversation } from '../../lib/protocol.ts';
import { trpc } from '../../lib/trpc.ts';
import { useJumpToMessage } from '../jump.ts';
import type { DisplayMessage } from '../timeline.ts';
import { composerMode } from './composer-mode.ts';
import { canDeleteForEveryone, inEditWindow, type MessageAction } from './menu-items.ts';
import { quoteOf } from './quote.ts';

const ReportDialog = lazy(() =>
  import('../../safety/ReportDialog.tsx').then((m) => ({ default: m.ReportDialog })),
);
const MessageInfoDialog = lazy(() =>
  import('../MessageInfoDialog.tsx').then((m) => ({ default: m.MessageInfoDialog })),
);
const DeleteDialog = lazy(() =>
  import('./DeleteDialog.tsx').then((m) => ({ default: m.DeleteDialog })),
);
const ReactionPickerDialog = lazy(() =>
  import('./ReactionPickerDialog.tsx').then((m) => ({ default: m.ReactionPickerDialog })),
);
const ForwardDialog = lazy(() =>
  import('./ForwardDialog.tsx').then((m) => ({ default: m.ForwardDialog })),
);

/** What a message bubble may do (stable while the conversation and names stay the same). */
export interface MessageActionsApi {
  me: string;
  nameOf: (userId: string) => string;
  /** I am in the conversation: I may reply, react and pin. */
  member: boolean;
  /** The server's edit window (see inEditWindow), null until it has said. */
  editWindowMs: number | null;
  run: (action: MessageAction, m: DisplayMessage) => void;
  /** Adds my reaction with `emoji`, or takes it back. */
  react: (m: DisplayMessage, emoji: string) => void;
  /** Opens the full emoji picker to react with any emoji. */
  pickReaction: (m: DisplayMessage) => void;
  /** Shows a message of this conversation (a reply's original), loading its page if needed. */
  jump: (messageId: string) => void;
}

type Open = {
  dialog: 'info' | 'report' | 'delete' | 'forward' | 'react';
  message: DisplayMessage;
};

const failed = (error: unknown) => toast(errorInfo(error).message);

/** The actions on the messages of one conversation, and the dialogs they open. */
export function useMessageActions(
  conversation: Conversation | null,
  me: string,
  nameOf: (userId: string) => string,
): { api: MessageActionsApi; dialogs: ReactNode } {
  const client = trpc.useUtils().client;
  const jumpTo = useJumpToMessage();
  const [open, setOpen] = useState<Open | null>(null);
  const conversationId = conversation?.id ?? null;
  const member = !!conversation && conversation.myRole !== null && !conversation.closed;
  const admin = conversation?.kind === 'group' && canEdit(conversation.myRole);
  const editWindowMs = useMe().data?.editWindowMs ?? null;

  const api = useMemo<MessageActionsApi>(() => {
    const run = (action: MessageAction, m: DisplayMessage) => {
      const messageId = m.id;
      if (!messageId || !conversationId) return;
      switch (action) {
        case 'reply':
          composerMode.set({
            kind: 'reply',
            conversationId,
            quote: quoteOf({ ...m, id: messageId }),
          });
          return;
        case 'edit':
          composerMode.set({ kind: 'edit', conversationId, messageId, text: m.text });
          return;
        case 'copy':
          navigator.clipboard.writeText(m.text).then(
            () => toast('Copied.', 'info'),
            () => toast('Could not copy the text.'),
          );
          return;
        case 'pin':
        case 'unpin':
          client.chat.pin.mutate({ messageId, pinned: action === 'pin' }).catch(failed);
          return;
        case 'info':
        case 'report':
        case 'delete':
        case 'forward':
          setOpen({ dialog: action, message: m });
          return;
      }
    };
    return {
      me,
      nameOf,
      member,
      editWindowMs,
      run,
      react(m, emoji) {
        if (!m.id) return;
        const on = !m.reactions.some((r) => r.emoji === emoji && r.userIds.includes(me));
        client.chat.react.mutate({ messageId: m.id, emoji, on }).catch(failed);
      },
      pickReaction: (m) => setOpen({ dialog: 'react', message: m }),
      jump(messageId) {
        if (conversationId) jumpTo({ conversationId, messageId }).catch(failed);
      },
    };
  }, [client, conversationId, me, nameOf, member, editWindowMs, jumpTo]);

  const close = () => setOpen(null);
  const m = open?.message;
  const messageId = m?.id ?? '';
  const dialogs =
    open && m ? (
      <Suspense fallback={null}>
        {open.dialog === 'info' ? (
          <MessageInfoDialog messageId={messageId} onClose={close} />
        ) : null}
        {open.dialog === 'report' ? (
          <ReportDialog
            user={{ id: m.senderId, displayName: nameOf(m.senderId) }}
            messageId={messageId}
            onClose={close}
          />
        ) : null}
        {open.dialog === 'react' ? (
          <ReactionPickerDialog
            onClose={close}
            onPick={(emoji) => {
              close();
              api.react(m, emoji);
            }}
          />
        ) : null}
        {open.dialog === 'delete' ? (
          <DeleteDialog
            forEveryone={canDeleteForEveryone(m, {
              mine: m.senderId === me,
              inTime: inEditWindow(m, editWindowMs),
              admin,
            })}
            onClose={close}
            onDelete={(forEveryone) => {
              close();
              client.chat.delete.mutate({ messageId, forEveryone }).catch(failed);
            }}
          />
        ) : null}
        {open.dialog === 'forward' ? (
          <ForwardDialog
            onClose={close}
            onForward={(conversationIds) =>
              client.chat.forward
                .mutate({ messageId, conversationIds, clientMessageId: crypto.randomUUID() })
                .then(
                  () =>
                    toast(
                      conversationIds.length === 1
                        ? 'Forwarded.'
                        : `Forwarded to ${conversationIds.length} conversations.`,
                      'info',
                    ),
                  (error: unknown) => {
                    failed(error);
                    throw error;
                  },
                )
            }
          />
        ) : null}
      </Suspense>
    ) : null;
  return { api, dialogs };
}
