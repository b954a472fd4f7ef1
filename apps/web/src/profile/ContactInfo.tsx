import { useState } from 'react';
import { presenceText } from '../conversations/ConversationScreen.tsx';
import type { PublicUser } from '../lib/protocol.ts';
import { isImage } from '../lib/media.ts';
import { trpc } from '../lib/trpc.ts';
import { useNow } from '../lib/useNow.ts';
import { allMessages, historyInput } from '../messages/history.ts';
import { Lightbox } from '../messages/Lightbox.tsx';
import { usePresence } from '../realtime/hooks.ts';
import { PersonSafetySection } from '../safety/PersonSafetySection.tsx';
import { Avatar } from '../ui/Avatar.tsx';
import { Panel, PanelSection } from '../ui/Panel.tsx';

/** The images of our conversation that are loaded, newest first. */
function SharedImages({ conversationId, name }: { conversationId: string; name: string }) {
  const utils = trpc.useUtils();
  const history = utils.chat.history.getInfiniteData(historyInput(conversationId));
  const images = allMessages(history)
    .flatMap((m) => m.attachments)
    .filter(isImage)
    .reverse();
  const [open, setOpen] = useState<number | null>(null);
  if (!images.length)
    return <p className="text-sm text-slate-600 dark:text-slate-400">No images shared yet.</p>;
  const alt = (i: number) => `Shared image ${i + 1} of ${images.length} with ${name}`;
  return (
    <>
      <ul className="grid grid-cols-3 gap-1" data-testid="shared-images">
        {images.map((a, i) => (
          <li key={a.id}>
            <button
              type="button"
              onClick={() => setOpen(i)}
              aria-label={`Open ${alt(i).replace(/^Shared/, 'shared')}`}
              className="block aspect-square w-full overflow-hidden rounded-lg bg-slate-200 dark:bg-slate-800"
            >
              <img src={a.thumbUrl} alt="" loading="lazy" className="size-full object-cover" />
            </button>
          </li>
        ))}
      </ul>
      {open !== null ? (
        <Lightbox images={images} start={open} alt={alt} onClose={() => setOpen(null)} />
      ) : null}
    </>
  );
}

/** A person's details: big picture, name, username, bio, presence, images we shared. */
export function ContactInfo({
  user,
  conversationId,
  onClose,
}: {
  user: PublicUser;
  conversationId: string | null;
  onClose: () => void;
}) {
  const presence = usePresence(user);
  const now = useNow(20_000);
  return (
    <Panel title="Contact info" onClose={onClose} testId="contact-info">
      <div className="flex flex-col items-center gap-1 px-5 py-6 text-center">
        <Avatar user={user} size="xl" online={presence.state === 'online'} />
        <p className="mt-2 text-lg font-semibold" data-testid="contact-name">
          {user.displayName}
        </p>
        <p className="text-sm text-slate-600 dark:text-slate-400">@{user.username}</p>
        <p
          className={`text-sm ${presence.state === 'online' ? 'text-emerald-700 dark:text-emerald-300' : 'text-slate-600 dark:text-slate-400'}`}
          data-testid="contact-presence"
        >
          {presenceText(presence, now)}
        </p>
      </div>
      <PanelSection title="About">
        <p className="text-sm whitespace-pre-wrap" data-testid="contact-bio">
          {user.bio || <span className="text-slate-600 dark:text-slate-400">No bio yet.</span>}
        </p>
      </PanelSection>
      {conversationId ? (
        <PanelSection title="Shared images">
          <SharedImages conversationId={conversationId} name={user.displayName} />
        </PanelSection>
      ) : null}
      <PersonSafetySection user={user} />
    </Panel>
  );
}
