/**
 * Notifications while the app is open: a browser notification (and a chime, if chosen) for a
 * new message when the tab is hidden or another conversation is open; Web Push for when no
 * tab is (subscribed once notifications are on); the favicon badge; and the way back from a
 * notification's click to its conversation.
 */
import { useEffect, useRef } from 'react';
import { navigate, useRoute } from '../app/navigation.ts';
import { parseRoute } from '../app/routes.ts';
import { useChat } from '../app/session-context.ts';
import type { Message } from '../lib/protocol.ts';
import { createStore, useStore } from '../lib/store.ts';
import { trpc } from '../lib/trpc.ts';
import { CONVERSATIONS_INPUT } from '../realtime/engine.ts';
import { FAVICON } from './favicon.ts';
import { notificationFor, type NotificationContent } from './decide.ts';
import { notificationPrefs, permission, watchPermission } from './prefs.ts';
import { subscribePush } from './push.ts';
import { playChime } from './sound.ts';

/** Where Web Push stands on this device (Settings says so). */
export type PushState = 'off' | 'subscribing' | 'on' | 'unavailable';
export const pushState = createStore<PushState>('off');

/** Shows one notification; a click brings the tab forward and opens the conversation. */
function show(content: NotificationContent): void {
  const n = new Notification(content.title, {
    body: content.body,
    icon: FAVICON,
    tag: content.tag,
    data: { conversationId: content.conversationId, messageId: content.messageId },
  });
  n.onclick = () => {
    window.focus();
    navigate({ name: 'conversation', conversationId: content.conversationId });
    n.close();
  };
}

export function useNotifications(): void {
  const { engine } = useChat();
  const utils = trpc.useUtils();
  const route = useRoute();
  const prefs = useStore(notificationPrefs);
  const allowed = useStore(permission) === 'granted';
  // Kept in the cache (and followed by `settings.changed`) for the moment a message arrives.
  trpc.users.settings.useQuery(undefined, { staleTime: Infinity });
  const openId = route.name === 'conversation' ? route.conversationId : null;

  const latest = useRef({ openId, prefs, allowed });
  useEffect(() => {
    latest.current = { openId, prefs, allowed };
  });

  useEffect(() => watchPermission(), []);

  // New messages → notifications; my privacy settings changed elsewhere → the cache follows.
  useEffect(() => {
    async function senderName(m: Message): Promise<string> {
      const known = engine.directory.people.get()[m.senderId]?.displayName;
      if (known) return known;
      const [user] = await utils.users.get.fetch({ ids: [m.senderId] }).catch(() => []);
      return user?.displayName ?? 'Someone';
    }
    async function onMessage(m: Message) {
      const { openId: open, prefs: p, allowed: granted } = latest.current;
      if (!p.enabled || !granted) return;
      // Read now, not at the last render: a `settings.changed` just before this message counts.
      const previews = utils.users.settings.getData()?.notificationPreviews ?? true;
      const conversation =
        utils.chat.conversations
          .getData(CONVERSATIONS_INPUT)
          ?.items.find((c) => c.id === m.conversationId) ?? null;
      const content = notificationFor(m, {
        me: engine.me,
        conversation,
        pageVisible: engine.visible.get(),
        openConversationId: open,
        previews,
        senderName: previews && m.senderId !== engine.me ? await senderName(m) : '',
        now: new Date(),
      });
      if (!content) return;
      show(content);
      if (p.sound) playChime();
    }
    return engine.listen((event) => {
      if (event.type === 'message.new') void onMessage(event.message);
      else if (event.type === 'settings.changed')
        utils.users.settings.setData(undefined, event.settings);
    });
  }, [engine, utils]);

  // Notifications on: Web Push for this device (again at every sign-in: it follows the session).
  const wantPush = prefs.enabled && allowed;
  useEffect(() => {
    if (!wantPush) {
      pushState.set('off');
      return;
    }
    pushState.set('subscribing');
    subscribePush(utils.client).then(
      () => pushState.set('on'),
      () => pushState.set('unavailable'),
    );
  }, [wantPush, utils]);

  // The service worker asks which conversation is on screen (to skip its push), and opens
  // the conversation of a push notification clicked.
  useEffect(() => {
    if (typeof navigator === 'undefined' || !navigator.serviceWorker) return;
    const onMessage = (e: MessageEvent<{ type?: string; path?: string }>) => {
      if (e.data?.type === 'path?') e.ports[0]?.postMessage({ path: window.location.pathname });
      else if (e.data?.type === 'open' && e.data.path) navigate(parseRoute(e.data.path));
    };
    navigator.serviceWorker.addEventListener('message', onMessage);
    navigator.serviceWorker.startMessages();
    return () => navigator.serviceWorker.removeEventListener('message', onMessage);
  }, []);
}
