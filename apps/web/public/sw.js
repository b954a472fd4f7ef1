/**
 * Parley's service worker: shows Web Push notifications (the server sends them only when none
 * of my tabs is connected) and opens the conversation when one is clicked. It caches nothing.
 *
 * A push carries { type: 'message', conversationId, messageId, title, body, mention, sentAt }
 * (packages/api/src/services/push.ts, PushPayload).
 */
/* global self, MessageChannel, setTimeout, clearTimeout */

self.addEventListener('install', () => self.skipWaiting());
self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()));

const conversationPath = (id) => `/c/${encodeURIComponent(id)}`;

/** The windows of this app, visible ones first. */
async function windows() {
  const list = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
  return list.sort(
    (a, b) => Number(b.visibilityState === 'visible') - Number(a.visibilityState === 'visible'),
  );
}

/**
 * Which conversation a window shows (its path), asked of the page itself: a window client's
 * `url` is where it was loaded, not where the app navigated since. Null when it does not say.
 */
function pathShown(client) {
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    const timer = setTimeout(() => resolve(null), 500);
    channel.port1.onmessage = (e) => {
      clearTimeout(timer);
      resolve(e.data && typeof e.data.path === 'string' ? e.data.path : null);
    };
    client.postMessage({ type: 'path?' }, [channel.port2]);
  });
}

self.addEventListener('push', (event) => {
  let data = null;
  try {
    data = event.data ? event.data.json() : null;
  } catch {
    data = null;
  }
  if (!data || data.type !== 'message' || typeof data.conversationId !== 'string') return;
  const path = conversationPath(data.conversationId);
  event.waitUntil(
    (async () => {
      // Someone is looking at that conversation already: nothing to tell them.
      const visible = (await windows()).filter((w) => w.visibilityState === 'visible');
      const shown = await Promise.all(visible.map(pathShown));
      if (shown.includes(path)) return;
      await self.registration.showNotification(String(data.title || 'Parley'), {
        body: String(data.body || 'New message'),
        icon: '/favicon.svg',
        tag: `conversation-${data.conversationId}`,
        renotify: true,
        timestamp: Date.parse(data.sentAt) || Date.now(),
        data: { path, conversationId: data.conversationId, messageId: data.messageId },
      });
    })(),
  );
});

self.addEventListener('notificationclick', (event) => {
  event.notification.close();
  const path = (event.notification.data && event.notification.data.path) || '/';
  event.waitUntil(
    (async () => {
      const [tab] = await windows();
      if (tab) {
        // The app opens the conversation itself, without a reload.
        tab.postMessage({ type: 'open', path });
        await tab.focus();
        return;
      }
      await self.clients.openWindow(path);
    })(),
  );
});
