import { Suspense, useEffect, useState } from 'react';
import { navigate } from '../app/navigation.ts';
import { useChat } from '../app/session-context.ts';
import { useStore } from '../lib/store.ts';
import { useNow } from '../lib/useNow.ts';
import { Composer } from '../messages/Composer.tsx';
import { MessageList } from '../messages/MessageList.tsx';
import { useUploadQueue } from '../messages/useUploads.ts';
import { trpc } from '../lib/trpc.ts';
import { usePresence } from '../realtime/hooks.ts';
import { BlockedBanner } from '../safety/BlockedBanner.tsx';
import { PersonMenu } from '../safety/PersonMenu.tsx';
import { useIsBlocked } from '../safety/useBlocking.ts';
import { ChatFrame } from './ChatFrame.tsx';
import { ConnectionNotice } from './ConnectionBadge.tsx';
import { ConversationHeader } from './ConversationHeader.tsx';
import { ContactInfo, ConversationBody, Missing, presenceText } from './ConversationScreen.tsx';
import { Spinner } from '../ui/Spinner.tsx';
import { useDirectWith } from './useConversations.ts';

/**
 * A person opened from search or a link: our conversation if we have one, else a new one that
 * the first message creates (sent `to` them). Their presence is asked for afresh on opening.
 */
export function PersonScreen({ userId }: { userId: string }) {
  const { engine } = useChat();
  const direct = useDirectWith(userId);
  // Asked afresh on opening (its answer also refreshes the directory): presence must be current.
  // Someone I share no conversation with sends me no presence events: ask again now and then.
  const fetched = trpc.users.get.useQuery(
    { ids: [userId] },
    { staleTime: 0, refetchInterval: 30_000 },
  );
  const known = useStore(engine.directory.people, (p) => p[userId]);
  const person = known ?? fetched.data?.[0] ?? null;
  const presence = usePresence(person);
  const now = useNow(20_000);
  const uploads = useUploadQueue();
  const [info, setInfo] = useState(false);
  const blocked = useIsBlocked(userId);

  const existing = direct.conversation?.id;
  useEffect(() => {
    if (existing) navigate({ name: 'conversation', conversationId: existing }, { replace: true });
  }, [existing]);

  if (userId === engine.me) return <Missing loading={false} what="This is you." />;
  // Our conversation (which my first message may just have made), shown at once while the
  // address changes to it: no spinner in between.
  if (direct.conversation)
    return <ConversationBody conversation={direct.conversation} info={false} />;
  if (!person || direct.isPending)
    return (
      <Missing
        loading={fetched.isPending || direct.isPending || !!existing}
        what="This person could not be found."
      />
    );

  return (
    <div className="flex min-h-0 flex-1">
      <ChatFrame
        label={`Conversation with ${person.displayName}`}
        dropTarget={person.displayName}
        uploads={blocked ? null : uploads}
        hidden={info}
      >
        <ConversationHeader
          face={person}
          online={presence.state === 'online'}
          status={presenceText(presence, now)}
          statusTone={presence.state === 'online' ? 'online' : 'muted'}
          onInfo={() => setInfo((v) => !v)}
          infoOpen={info}
          actions={<PersonMenu user={person} />}
        />
        <ConnectionNotice />
        <MessageList conversation={null} peer={person} typingIds={[]} />
        {blocked ? (
          <BlockedBanner user={person} />
        ) : (
          <Composer
            destination={{ to: userId }}
            name={person.displayName}
            uploads={uploads}
            mentionable={[]}
          />
        )}
      </ChatFrame>
      {info ? (
        <Suspense fallback={<Spinner />}>
          <ContactInfo user={person} conversationId={null} onClose={() => setInfo(false)} />
        </Suspense>
      ) : null}
    </div>
  );
}
