import { lazy, Suspense, useEffect, useState } from 'react';
import { navigate, useLinkHandler } from '../app/navigation.ts';
import { useChat } from '../app/session-context.ts';
import { groupStatus } from '../groups/group-text.ts';
import { useMembers } from '../groups/useMembers.ts';
import { formatLastSeen } from '../lib/format.ts';
import type { Conversation } from '../lib/protocol.ts';
import { useNow } from '../lib/useNow.ts';
import { Composer } from '../messages/Composer.tsx';
import { MessageList } from '../messages/MessageList.tsx';
import { useUploadQueue } from '../messages/useUploads.ts';
import { useNames, usePerson, usePresence, useTypingIn } from '../realtime/hooks.ts';
import type { ShownPresence } from '../realtime/presence.ts';
import { describeTyping } from '../realtime/typing.ts';
import { BlockedBanner } from '../safety/BlockedBanner.tsx';
import { PersonMenu } from '../safety/PersonMenu.tsx';
import { useIsBlocked } from '../safety/useBlocking.ts';
import { MoreIcon, SearchIcon } from '../ui/icons.tsx';
import { Menu } from '../ui/Menu.tsx';
import { Spinner } from '../ui/Spinner.tsx';
import { ChatFrame } from './ChatFrame.tsx';
import { ConnectionNotice } from './ConnectionBadge.tsx';
import { ConversationHeader, headerButton } from './ConversationHeader.tsx';
import { conversationFace } from './preview.ts';
import { useConversation } from './useConversations.ts';
import { organiseItems, useOrganise } from './useOrganise.ts';

const ConversationSearch = lazy(() =>
  import('../search/ConversationSearch.tsx').then((m) => ({ default: m.ConversationSearch })),
);

// Shown only while messages are pinned (it asks which are): loads with its first conversation.
const PinnedBar = lazy(() =>
  import('../messages/actions/PinnedBar.tsx').then((m) => ({ default: m.PinnedBar })),
);

// The info panels load when first opened.
const GroupInfo = lazy(() =>
  import('../groups/GroupInfo.tsx').then((m) => ({ default: m.GroupInfo })),
);
export const ContactInfo = lazy(() =>
  import('../profile/ContactInfo.tsx').then((m) => ({ default: m.ContactInfo })),
);

/** A person's status line: online, last seen, or unknown while I am offline. */
export function presenceText(presence: ShownPresence, now: Date): string {
  if (presence.state === 'online') return 'online';
  if (presence.state === 'unknown') return 'waiting for network…';
  return formatLastSeen(presence.lastSeenAt, now);
}

export function Missing({ loading, what }: { loading: boolean; what: string }) {
  const back = useLinkHandler({ name: 'home' });
  return (
    <div className="flex flex-1 flex-col items-center justify-center gap-3 p-8 text-center">
      {loading ? (
        <span
          role="status"
          aria-label="Loading"
          className="size-6 animate-spin rounded-full border-2 border-indigo-500 border-t-transparent"
        />
      ) : (
        <>
          <p className="text-slate-700 dark:text-slate-300">{what}</p>
          <a href="/" onClick={back} className="text-sm font-medium text-indigo-700 underline">
            Back to conversations
          </a>
        </>
      )}
    </div>
  );
}

/** Why a conversation can be read but not written to. */
function ReadOnlyNotice({ conversation: c }: { conversation: Conversation }) {
  const text = c.closed
    ? 'This group was closed: everyone left.'
    : c.kind === 'group'
      ? 'You are no longer a member of this group. You can read what you had.'
      : 'You can no longer send messages here.';
  return (
    <p
      data-testid="read-only-notice"
      className="border-t border-slate-200 bg-slate-50 px-4 py-3 text-center text-sm text-slate-700 dark:border-slate-800 dark:bg-slate-900 dark:text-slate-300"
    >
      {text}
    </p>
  );
}

export function ConversationScreen({
  conversationId,
  info,
}: {
  conversationId: string;
  info: boolean;
}) {
  const { conversation, isPending } = useConversation(conversationId);
  if (!conversation)
    return <Missing loading={isPending} what="This conversation could not be found." />;
  return <ConversationBody conversation={conversation} info={info} />;
}

export function ConversationBody({
  conversation: c,
  info,
}: {
  conversation: Conversation;
  info: boolean;
}) {
  const { engine } = useChat();
  const isGroup = c.kind === 'group';
  const person = usePerson(isGroup ? null : (c.peer?.id ?? null));
  const peer = isGroup ? null : (person ?? c.peer);
  const face = peer ?? conversationFace(c);
  const presence = usePresence(peer);
  const typingIds = useTypingIn(c.id);
  const nameOf = useNames(typingIds);
  const { members, online } = useMembers(isGroup ? c : null);
  const now = useNow(20_000);
  const uploads = useUploadQueue();
  const blockedPeer = useIsBlocked(peer?.id ?? null);
  const canWrite = c.myRole !== null && !c.closed && !blockedPeer;
  const [searching, setSearching] = useState(false);
  const change = useOrganise(c.id, true);
  const menu = organiseItems(
    c,
    { change, readAll: () => c.lastMessage && engine.markRead(c.id, c.lastMessage) },
    now,
  );

  // Opening a conversation I marked unread reads it: the mark goes (here and on my devices).
  const markedUnread = c.markedUnread;
  useEffect(() => {
    if (markedUnread) change({ unread: false });
    // Once per opening (and whenever another device marks it while it is open).
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [markedUnread]);

  // Whoever is on screen has their presence asked for afresh (not what a list said earlier).
  const peerId = peer?.id;
  useEffect(() => {
    if (peerId) engine.directory.refresh([peerId]);
  }, [engine, peerId]);

  const typing = typingIds.length
    ? isGroup
      ? `${describeTyping(typingIds.map(nameOf))}…`
      : 'typing…'
    : null;
  const status =
    typing ?? (isGroup ? groupStatus(c.memberCount, online) : presenceText(presence, now));
  const toggleInfo = () =>
    navigate({ name: 'conversation', conversationId: c.id, ...(info ? {} : { info: true }) });

  return (
    <div className="flex min-h-0 flex-1">
      <ChatFrame
        label={`Conversation with ${face.displayName}`}
        dropTarget={face.displayName}
        uploads={canWrite ? uploads : null}
        hidden={info || searching}
      >
        <ConversationHeader
          face={face}
          online={presence.state === 'online'}
          status={status}
          statusTone={typing ? 'active' : presence.state === 'online' ? 'online' : 'muted'}
          onInfo={toggleInfo}
          infoOpen={info}
          actions={
            <>
              <button
                type="button"
                className={headerButton}
                aria-label="Search in conversation"
                aria-expanded={searching}
                data-testid="search-conversation"
                onClick={() => {
                  setSearching((v) => !v);
                  if (info) toggleInfo();
                }}
              >
                <SearchIcon />
              </button>
              {peer ? (
                <PersonMenu
                  user={peer}
                  leading={menu}
                  label="Conversation options"
                  testId="conversation-header-menu"
                />
              ) : (
                <Menu
                  label="Conversation options"
                  items={menu}
                  testId="conversation-header-menu"
                  buttonClass={headerButton}
                >
                  <MoreIcon />
                </Menu>
              )}
            </>
          }
        />
        <ConnectionNotice />
        <Suspense fallback={null}>
          <PinnedBar conversationId={c.id} />
        </Suspense>
        <MessageList conversation={c} peer={peer} typingIds={typingIds} />
        {canWrite ? (
          <Composer
            destination={{ conversationId: c.id }}
            name={face.displayName}
            uploads={uploads}
            mentionable={isGroup ? members.map((m) => m.user) : []}
            group={isGroup}
          />
        ) : blockedPeer && peer ? (
          <BlockedBanner user={peer} />
        ) : (
          <ReadOnlyNotice conversation={c} />
        )}
      </ChatFrame>
      {searching && !info ? (
        <Suspense fallback={<Spinner />}>
          <ConversationSearch conversationId={c.id} onClose={() => setSearching(false)} />
        </Suspense>
      ) : null}
      {info ? (
        <Suspense fallback={<Spinner />}>
          {isGroup ? (
            <GroupInfo conversation={c} onClose={toggleInfo} />
          ) : peer ? (
            <ContactInfo user={peer} conversationId={c.id} onClose={toggleInfo} />
          ) : null}
        </Suspense>
      ) : null}
    </div>
  );
}
