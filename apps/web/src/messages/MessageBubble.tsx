import { memo, useState } from 'react';
import { formatTime } from '../lib/format.ts';
import { AlertIcon, BlockIcon, CheckCheckIcon, CheckIcon, ClockIcon } from '../ui/icons.tsx';
import { MessageMenu } from './actions/MessageMenu.tsx';
import { inEditWindow, menuActions } from './actions/menu-items.ts';
import { ReactionChips } from './actions/ReactionChips.tsx';
import { ReplyQuote } from './actions/ReplyQuote.tsx';
import { useLongPress } from './actions/useLongPress.ts';
import type { MessageActionsApi } from './actions/useMessageActions.tsx';
import { MessageAttachments } from './files/MessageAttachments.tsx';
import { LinkPreviewCard } from './text/LinkPreviewCard.tsx';
import { MessageText, useMessageText } from './text/MessageText.tsx';
import type { DeliveryStatus, DisplayMessage } from './timeline.ts';

const TICK_LABEL: Record<DeliveryStatus, string> = {
  pending: 'Sending',
  sent: 'Sent',
  delivered: 'Delivered',
  read: 'Read',
  failed: 'Not sent',
};

/** In a group, the ticks turn only when every other member got (or read) the message. */
const GROUP_TICK_LABEL: Partial<Record<DeliveryStatus, string>> = {
  delivered: 'Delivered to everyone',
  read: 'Read by everyone',
};

export function Ticks({ status, group }: { status: DeliveryStatus; group?: boolean }) {
  const label = (group ? GROUP_TICK_LABEL[status] : undefined) ?? TICK_LABEL[status];
  const icon =
    status === 'pending' ? (
      <ClockIcon className="size-3.5" />
    ) : status === 'sent' ? (
      <CheckIcon className="size-4" />
    ) : status === 'failed' ? (
      <AlertIcon className="size-4" />
    ) : (
      <CheckCheckIcon className={`size-4 ${status === 'read' ? 'text-cyan-200' : ''}`} />
    );
  return (
    <span
      role="img"
      aria-label={label}
      title={label}
      data-testid="ticks"
      data-status={status}
      className="inline-flex"
    >
      {icon}
    </span>
  );
}

/**
 * One message. Mine on the right in the accent colour, others' on the left. Its menu opens from
 * the ⋯ button (on hover or focus), a right-click or a long press.
 */
export const MessageBubble = memo(function MessageBubble({
  message: m,
  mine,
  last,
  group = false,
  onRetry,
  onDiscard,
  actions,
  senderName = mine ? 'you' : 'them',
  mentionedUsernames,
  myUsername = null,
}: {
  message: DisplayMessage;
  mine: boolean;
  last: boolean;
  /** In a group: ticks mean "everyone". */
  group?: boolean;
  /** For the images' alt text. */
  senderName?: string;
  onRetry: (key: string) => void;
  onDiscard: (key: string) => void;
  /** Reply, react, edit, delete, forward, pin, info, report (none without). */
  actions?: MessageActionsApi | undefined;
  /** Lower-cased usernames of the members the message mentions. */
  mentionedUsernames?: ReadonlySet<string>;
  myUsername?: string | null;
}) {
  const failed = m.status === 'failed';
  const images = m.attachments.length > 0;
  const mentionsMe = !mine && !!myUsername && (mentionedUsernames?.has(myUsername) ?? false);
  const edited = m.edited && !m.deleted;
  const metaWidth = edited
    ? mine
      ? 'w-[7.5rem]'
      : 'w-[6.25rem]'
    : mine
      ? 'w-[4.75rem]'
      : 'w-[3.5rem]';
  const text = useMessageText(m.text);
  // One to three emoji alone: large, without a bubble.
  const bare = text.emoji > 0 && !images && !m.replyTo && !m.forwarded;
  const menu = actions
    ? menuActions(m, {
        mine,
        member: actions.member,
        inTime: inEditWindow(m, actions.editWindowMs),
      })
    : [];
  const [menuOpen, setMenuOpen] = useState(false);
  const longPress = useLongPress(() => setMenuOpen(true));
  const opensMenu = menu.length > 0;
  return (
    <div
      data-testid="message"
      data-key={m.key}
      data-seq={m.seq ?? undefined}
      data-id={m.id ?? undefined}
      data-mine={mine ? 'true' : 'false'}
      data-status={m.status ?? 'received'}
      data-mentions-me={mentionsMe ? 'true' : undefined}
      data-deleted={m.deleted ? 'true' : undefined}
      data-pinned={m.pinned ? 'true' : undefined}
      onContextMenu={
        opensMenu
          ? (e) => {
              e.preventDefault();
              setMenuOpen(true);
            }
          : undefined
      }
      {...(opensMenu ? longPress : {})}
      className={`group/message flex flex-wrap items-start gap-1 ${mine ? 'flex-row-reverse' : ''} ${m.status === 'pending' ? 'animate-pop' : ''} ${opensMenu ? 'pointer-coarse:select-none pointer-coarse:[-webkit-touch-callout:none]' : ''}`}
    >
      <div
        className={`relative max-w-[85%] rounded-2xl ${menuOpen ? 'outline-2 outline-offset-2 outline-indigo-400' : ''} ${images ? 'p-1 pb-1.5' : 'px-3 py-1.5'} text-[15px] leading-snug sm:max-w-[70%] ${
          bare
            ? 'pb-4'
            : mine
              ? `bg-indigo-600 text-white shadow-sm ${last ? 'rounded-br-md' : ''} ${failed ? 'bg-rose-700' : ''} ${m.status === 'pending' ? 'opacity-80' : ''}`
              : `bg-white text-slate-900 shadow-sm ring-1 ring-slate-200 dark:bg-slate-800 dark:text-slate-100 dark:ring-slate-700 ${last ? 'rounded-bl-md' : ''} ${mentionsMe ? 'ring-2 ring-amber-400 dark:ring-amber-400' : ''}`
        }`}
      >
        {m.forwarded && !m.deleted ? (
          <p
            data-testid="forwarded-mark"
            className={`mb-0.5 text-xs italic ${images ? 'px-2 pt-1' : ''} ${mine ? 'text-indigo-100' : 'text-slate-600 dark:text-slate-400'}`}
          >
            ↪ Forwarded
          </p>
        ) : null}
        {m.replyTo && !m.deleted ? (
          <ReplyQuote
            quote={m.replyTo}
            name={
              m.replyTo.senderId === actions?.me
                ? 'You'
                : (actions?.nameOf(m.replyTo.senderId) ?? 'Someone')
            }
            mine={mine}
            onOpen={actions ? () => actions.jump(m.replyTo!.messageId) : undefined}
          />
        ) : null}
        {m.deleted ? (
          <p
            data-testid="tombstone"
            className={`flex items-center gap-1.5 italic ${mine ? 'text-indigo-50' : 'text-slate-600 dark:text-slate-300'}`}
          >
            <BlockIcon className="size-4 shrink-0" />
            This message was deleted
            <span aria-hidden="true" className={`inline-block h-3 ${metaWidth}`} />
          </p>
        ) : null}
        {images ? (
          <MessageAttachments attachments={m.attachments} senderName={senderName} mine={mine} />
        ) : null}
        {m.deleted ? null : m.text || !images ? (
          <MessageText
            blocks={text.blocks}
            emoji={images ? 0 : text.emoji}
            mentioned={mentionedUsernames ?? EMPTY}
            myUsername={myUsername}
            mine={mine}
            withImages={images}
            metaWidth={metaWidth}
          />
        ) : (
          <span aria-hidden="true" className={`block h-3 ${metaWidth}`} />
        )}
        <span
          className={`absolute right-2.5 bottom-1 flex items-center gap-1 text-[11px] leading-none ${mine && !bare ? 'text-indigo-50' : 'text-slate-600 dark:text-slate-300'}`}
        >
          {edited ? <span data-testid="edited-mark">edited</span> : null}
          <time dateTime={m.createdAt.toISOString()}>{formatTime(m.createdAt)}</time>
          {mine && m.status ? <Ticks status={m.status} group={group} /> : null}
        </span>
      </div>
      {opensMenu && actions ? (
        <div className="self-center">
          <MessageMenu
            message={m}
            mine={mine}
            items={menu}
            actions={actions}
            open={menuOpen}
            onOpenChange={setMenuOpen}
          />
        </div>
      ) : null}
      {failed ? (
        <div
          className="flex items-center gap-2 self-center text-xs text-rose-700 dark:text-rose-300"
          role="group"
          aria-label="Message not sent"
        >
          <span>{m.error ?? 'Not sent.'}</span>
          <button
            type="button"
            onClick={() => onRetry(m.key)}
            className="font-semibold underline-offset-2 hover:underline"
          >
            Retry
          </button>
          <button
            type="button"
            onClick={() => onDiscard(m.key)}
            className="text-slate-600 underline-offset-2 hover:underline dark:text-slate-400"
          >
            Delete
          </button>
        </div>
      ) : null}
      {m.reactions.length > 0 && !m.deleted && actions ? (
        <ReactionChips
          reactions={m.reactions}
          me={actions.me}
          nameOf={actions.nameOf}
          mine={mine}
          onToggle={actions.member ? (emoji) => actions.react(m, emoji) : undefined}
        />
      ) : null}
      {text.link && !m.deleted ? <LinkPreviewCard url={text.link} mine={mine} /> : null}
    </div>
  );
});

const EMPTY: ReadonlySet<string> = new Set();
