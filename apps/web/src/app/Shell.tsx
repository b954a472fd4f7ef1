import { lazy, Suspense, useEffect } from 'react';
import { ConversationScreen } from '../conversations/ConversationScreen.tsx';
import { Sidebar } from '../conversations/Sidebar.tsx';
import { useConversations } from '../conversations/useConversations.ts';
import { useMediaQuery } from '../lib/useMediaQuery.ts';
import { useFaviconBadge } from '../notifications/favicon.ts';
import { useNotifications } from '../notifications/useNotifications.ts';
import { ChatIcon } from '../ui/icons.tsx';
import { Spinner } from '../ui/Spinner.tsx';
import { navigate, useRoute } from './navigation.ts';
import type { Route } from './routes.ts';

// Screens visited now and then load when first opened, not with the chat.
const PersonScreen = lazy(() =>
  import('../conversations/PersonScreen.tsx').then((m) => ({ default: m.PersonScreen })),
);
const CreateGroup = lazy(() =>
  import('../groups/CreateGroup.tsx').then((m) => ({ default: m.CreateGroup })),
);
const BrowseGroups = lazy(() =>
  import('../groups/BrowseGroups.tsx').then((m) => ({ default: m.BrowseGroups })),
);
const ProfilePanel = lazy(() =>
  import('../profile/ProfilePanel.tsx').then((m) => ({ default: m.ProfilePanel })),
);
const SettingsScreen = lazy(() =>
  import('../settings/SettingsScreen.tsx').then((m) => ({ default: m.SettingsScreen })),
);
const ReportsScreen = lazy(() =>
  import('../admin/ReportsScreen.tsx').then((m) => ({ default: m.ReportsScreen })),
);

/** Where Escape leads from a screen: a panel closes to its conversation, a screen to the list. */
function parentOf(route: Route): Route | null {
  if (route.name === 'home') return null;
  if (route.name === 'conversation' && route.info)
    return { name: 'conversation', conversationId: route.conversationId };
  return { name: 'home' };
}

function Welcome() {
  return (
    <div className="flex flex-1 flex-col items-center justify-center gap-3 bg-slate-50 p-8 text-center dark:bg-slate-900/40">
      <span className="inline-flex size-14 items-center justify-center rounded-2xl bg-indigo-100 text-indigo-700 dark:bg-indigo-950 dark:text-indigo-300">
        <ChatIcon className="size-7" />
      </span>
      <h2 className="text-lg font-semibold">Pick a conversation</h2>
      <p className="max-w-xs text-sm text-slate-600 dark:text-slate-400">
        Choose one on the left, search for a person, or start a group.
      </p>
    </div>
  );
}

function Screen({ route }: { route: Route }) {
  switch (route.name) {
    case 'conversation':
      return (
        <ConversationScreen
          key={route.conversationId}
          conversationId={route.conversationId}
          info={!!route.info}
        />
      );
    case 'person':
      return <PersonScreen key={route.userId} userId={route.userId} />;
    case 'profile':
      return <ProfilePanel />;
    case 'newGroup':
      return <CreateGroup />;
    case 'browse':
      return <BrowseGroups />;
    case 'settings':
      return <SettingsScreen />;
    case 'adminReports':
      return <ReportsScreen />;
    case 'home':
      return <Welcome />;
  }
}

/**
 * The list and the open screen side by side on wide screens; on a phone one at a time (the
 * list, or the screen with a back button; the browser's back works too).
 */
export function Shell() {
  const route = useRoute();
  const wide = useMediaQuery('(min-width: 768px)');
  const { total } = useConversations();

  useEffect(() => {
    document.title = total > 0 ? `(${total}) Parley` : 'Parley';
  }, [total]);
  useFaviconBadge(total);
  useNotifications();

  // Escape closes the open panel, then the open screen (dialogs and menus handle it first).
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== 'Escape' || e.defaultPrevented || document.querySelector('dialog[open]'))
        return;
      const parent = parentOf(route);
      if (!parent) return;
      e.preventDefault();
      navigate(parent);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [route]);

  const listScreen = route.name === 'home';
  // On a phone the list is the whole page at home: it is the main landmark then.
  const ListTag = listScreen && !wide ? 'main' : 'nav';
  const ContentTag = listScreen && !wide ? 'div' : 'main';
  return (
    <div className="flex h-dvh overflow-hidden bg-white dark:bg-slate-950">
      <a
        href="#content"
        className="sr-only z-50 rounded-lg bg-indigo-700 px-3 py-2 text-sm font-semibold text-white focus:not-sr-only focus:absolute focus:top-2 focus:left-2"
      >
        Skip to {listScreen ? 'the conversation list' : 'the open screen'}
      </a>
      <h1 className="sr-only">Parley</h1>
      <ListTag
        id={listScreen && !wide ? 'content' : undefined}
        tabIndex={listScreen && !wide ? -1 : undefined}
        className={`${listScreen ? 'flex' : 'hidden md:flex'} w-full min-w-0 flex-col border-slate-200 outline-none md:w-80 md:border-r lg:w-96 dark:border-slate-800`}
        aria-label="Conversations"
      >
        <Sidebar />
      </ListTag>
      <ContentTag
        id={listScreen && !wide ? undefined : 'content'}
        tabIndex={-1}
        className={`${listScreen ? 'hidden md:flex' : 'flex'} min-w-0 flex-1 flex-col outline-none`}
      >
        <Suspense fallback={<Spinner />}>
          <Screen route={route} />
        </Suspense>
      </ContentTag>
    </div>
  );
}
