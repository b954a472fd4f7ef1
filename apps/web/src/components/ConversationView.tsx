import { useState } from 'react';
import { useChat } from '../hooks/useEngine.ts';
import { useLinkHandler } from '../hooks/useRoute.ts';
import { useNow } from '../hooks/useNow.ts';
import { useUploadQueue } from '../hooks/useUploads.ts';
import { withPresence } from '../lib/conversations.ts';
import { CONVERSATIONS_INPUT } from '../lib/engine.ts';
import { formatLastSeen } from '../lib/format.ts';
import { useStore } from '../lib/store.ts';
import { trpc } from '../lib/trpc.ts';
import { isTyping } from '../lib/typing.ts';
import { dragHasFiles, imageFilesOf } from '../lib/uploads.ts';
import { Avatar } from './Avatar.tsx';
import { Composer } from './Composer.tsx';
import { BackToList } from './BackToList.tsx';
import { ImageIcon } from './icons.tsx';
import { MessageList } from './MessageList.tsx';

/** One conversation: who it is with, the messages, the composer. */
export function ConversationView({ peerId }: { peerId: string }) {
  const { engine, people } = useChat();
  const conversations = trpc.chat.conversations.useQuery(CONVERSATIONS_INPUT);
  const conversation = conversations.data?.items.find((c) => c.peer.id === peerId) ?? null;
  const known = useStore(people, (p) => p[peerId]);
  // A new conversation opened from a link: find the person in the directory.
  const directory = trpc.users.list.useQuery(
    { limit: 100 },
    { enabled: !conversation && !known && conversations.isSuccess },
  );
  const base =
    conversation?.peer ?? known ?? directory.data?.items.find((u) => u.id === peerId) ?? null;
  const presence = useStore(engine.presence);
  const typing = useStore(engine.typing, (t) => isTyping(t, peerId, Date.now()));
  const now = useNow(20_000);
  const back = useLinkHandler({ name: 'home' });
  const uploads = useUploadQueue();
  const [dragging, setDragging] = useState(false);

  if (!base) {
    const loading = conversations.isPending || directory.isFetching;
    return (
      <div className="flex flex-1 flex-col items-center justify-center gap-3 p-8 text-center">
        {loading ? (
          <span className="size-6 animate-spin rounded-full border-2 border-indigo-500 border-t-transparent" />
        ) : (
          <>
            <p className="text-slate-600 dark:text-slate-300">This person could not be found.</p>
            <a
              href="/"
              onClick={back}
              className="text-sm font-medium text-indigo-600 hover:underline"
            >
              Back to conversations
            </a>
          </>
        )}
      </div>
    );
  }

  const peer = withPresence(base, presence);
  const status = typing
    ? 'typing…'
    : peer.online
      ? 'online'
      : formatLastSeen(peer.lastSeenAt ? new Date(peer.lastSeenAt) : null, now);
  return (
    <section
      className="relative flex min-h-0 flex-1 flex-col"
      aria-label={`Conversation with ${peer.displayName}`}
      onDragOver={(e) => {
        if (!dragHasFiles(e.dataTransfer)) return;
        e.preventDefault();
        e.dataTransfer.dropEffect = 'copy';
        if (!dragging) setDragging(true);
      }}
      onDragLeave={(e) => {
        if (!e.currentTarget.contains(e.relatedTarget as Node | null)) setDragging(false);
      }}
      onDrop={(e) => {
        if (!dragHasFiles(e.dataTransfer)) return;
        e.preventDefault();
        setDragging(false);
        uploads.add(imageFilesOf(e.dataTransfer));
      }}
    >
      {dragging ? (
        <div
          data-testid="drop-zone"
          className="pointer-events-none absolute inset-2 z-30 flex flex-col items-center justify-center gap-2 rounded-2xl border-2 border-dashed border-indigo-400 bg-indigo-50/90 text-indigo-700 dark:bg-indigo-950/90 dark:text-indigo-200"
        >
          <ImageIcon className="size-10" />
          <p className="font-semibold">Drop images to send to {peer.displayName}</p>
          <p className="text-sm opacity-80">JPEG, PNG, WebP or GIF · up to 4 · 10 MB each</p>
        </div>
      ) : null}
      <header className="flex items-center gap-3 border-b border-slate-200 bg-white/90 px-3 py-2.5 backdrop-blur md:px-5 dark:border-slate-800 dark:bg-slate-950/90">
        <BackToList />
        <Avatar user={peer} size="sm" online={peer.online} />
        <div className="min-w-0">
          <h2 className="truncate font-semibold" data-testid="peer-name">
            {peer.displayName}
          </h2>
          <p
            data-testid="peer-status"
            aria-live="polite"
            className={`truncate text-xs ${typing ? 'text-indigo-600 dark:text-indigo-400' : peer.online ? 'text-emerald-600 dark:text-emerald-400' : 'text-slate-500 dark:text-slate-400'}`}
          >
            {status}
          </p>
        </div>
      </header>
      <MessageList peer={peer} conversation={conversation} typing={typing} />
      <Composer peerId={peerId} peerName={peer.displayName} uploads={uploads} />
    </section>
  );
}
