import { useEffect } from 'react';
import { MoreIcon } from '../../ui/icons.tsx';
import { Menu } from '../../ui/Menu.tsx';
import type { DisplayMessage } from '../timeline.ts';
import { ComposerBanner } from './lazy-parts.ts';
import { ACTION_LABELS, type MessageAction } from './menu-items.ts';
import { QuickReactions } from './QuickReactions.tsx';
import type { MessageActionsApi } from './useMessageActions.tsx';

const DANGER = new Set<MessageAction>(['delete', 'report']);

/** The ⋯ button of a message and its menu: quick reactions, then the actions. */
export function MessageMenu({
  message: m,
  mine,
  items,
  actions,
  open,
  onOpenChange,
}: {
  message: DisplayMessage;
  mine: boolean;
  items: MessageAction[];
  actions: MessageActionsApi;
  open: boolean;
  onOpenChange: (open: boolean) => void;
}) {
  const reactable = actions.member && !m.deleted;
  // Reply and Edit show the composer's banner: its code comes while the menu is open.
  useEffect(() => {
    if (open) ComposerBanner.preload();
  }, [open]);
  return (
    <Menu
      label="Message actions"
      testId="message-menu"
      align={mine ? 'right' : 'left'}
      open={open}
      onOpenChange={onOpenChange}
      header={
        reactable
          ? (close) => (
              <QuickReactions
                mineAlready={
                  new Set(
                    m.reactions.filter((r) => r.userIds.includes(actions.me)).map((r) => r.emoji),
                  )
                }
                onPick={(emoji) => {
                  close();
                  actions.react(m, emoji);
                }}
                onAnyEmoji={() => {
                  close();
                  actions.pickReaction(m);
                }}
              />
            )
          : undefined
      }
      items={items.map((action) => ({
        label: ACTION_LABELS[action],
        onSelect: () => actions.run(action, m),
        ...(DANGER.has(action) ? { tone: 'danger' as const } : {}),
      }))}
      buttonClass="inline-flex size-8 items-center justify-center rounded-full text-slate-600 opacity-0 group-hover/message:opacity-100 hover:bg-slate-200 focus-visible:opacity-100 aria-expanded:opacity-100 pointer-coarse:opacity-60 dark:text-slate-300 dark:hover:bg-slate-800"
    >
      <MoreIcon className="size-4" />
    </Menu>
  );
}
