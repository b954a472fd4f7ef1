/**
 * The realtime core of a signed-in session: one `chat.events` subscription feeding the query
 * caches, presence and typing; delivery and read receipts; the outbox. React reads it through
 * hooks; nothing here renders.
 */
import type { QueryClient } from '@tanstack/react-query';
import { createTRPCQueryUtils } from '@trpc/react-query';
import type { AppRouter } from '@parley/api';
import type { Auth } from './auth.ts';
import type { ApiClient, WsClient } from './client.ts';
import {
  applyEventToConversations,
  applyPresence,
  markConversationRead,
  type PresenceMap,
} from './conversations.ts';
import { errorInfo, isUnauthorized } from './errors.ts';
import { historyKey, insertMessage, type HistoryData } from './history.ts';
import type { Attachment } from './media.ts';
import { createOutbox, createOutboxRunner, type Outbox } from './outbox.ts';
import type { ChatEvent, ConversationsPage, Message } from './protocol.ts';
import { createStore, type Store } from './store.ts';
import { applyTyping, pruneTyping, type TypingState } from './typing.ts';

export type ConnectionState = 'connecting' | 'online' | 'reconnecting' | 'offline';

/** The conversation list the app shows: the first 100, newest first. */
export const CONVERSATIONS_INPUT = { limit: 100 };

export interface EngineDeps {
  me: string;
  auth: Auth;
  client: ApiClient;
  wsClient: WsClient;
  queryClient: QueryClient;
  storage: Storage | null;
  toast: (message: string) => void;
}

export function createEngine(deps: EngineDeps) {
  const { me, client, queryClient } = deps;
  const utils = createTRPCQueryUtils<AppRouter>({ queryClient, client });

  const connection = createStore<ConnectionState>('connecting');
  const presence = createStore<PresenceMap>({});
  const typing = createStore<TypingState>({});
  /** The conversation on screen, and whether the page is visible. */
  const openPeer = createStore<string | null>(null);
  const visible = createStore<boolean>(
    typeof document === 'undefined' || document.visibilityState === 'visible',
  );
  const outbox: Outbox = createOutbox(deps.storage, `parley.outbox.${me}`);

  let ready = false;
  let everOnline = false;
  let socketOpen = false;
  let networkUp = typeof navigator === 'undefined' || navigator.onLine;
  let lastEventId: string | null = null;
  let stopped = false;
  const cleanups: (() => void)[] = [];

  function updateConnection() {
    const state: ConnectionState = !networkUp
      ? 'offline'
      : ready && socketOpen
        ? 'online'
        : everOnline
          ? 'reconnecting'
          : 'connecting';
    if (state === 'online') everOnline = true;
    connection.set(state);
    if (state === 'online') void runner.kick();
  }

  const readingPeer = () => (visible.get() ? openPeer.get() : null);

  // ---- caches ---------------------------------------------------------------------------

  /** Applies an update; if a fetch is in flight it would overwrite it, so fetch again after. */
  function reconcile(queryKey: readonly unknown[]) {
    if (queryClient.isFetching({ queryKey, exact: true }) > 0) {
      void queryClient.invalidateQueries({ queryKey, exact: true });
    }
  }

  function updateConversations(fn: (page: ConversationsPage) => ConversationsPage) {
    utils.chat.conversations.setData(CONVERSATIONS_INPUT, (old) => (old ? fn(old) : old));
    const state = queryClient.getQueryCache().findAll({ queryKey: [['chat', 'conversations']] });
    for (const q of state) reconcile(q.queryKey);
  }

  function conversationPeer(conversationId: string): string | null {
    const page = utils.chat.conversations.getData(CONVERSATIONS_INPUT);
    return page?.items.find((c) => c.id === conversationId)?.peer.id ?? null;
  }

  function addToHistory(peerId: string, message: Message) {
    queryClient.setQueryData<HistoryData>(historyKey(peerId), (old) => insertMessage(old, message));
    reconcile(historyKey(peerId));
  }

  // ---- receipts -------------------------------------------------------------------------

  const delivered = new Map<string, number>();
  const pendingAcks = new Map<string, { id: string; seq: number }>();
  let ackTimer: ReturnType<typeof setTimeout> | null = null;

  /** "Delivered" for everything up to this message from `peerId` (coalesced, never backwards). */
  function ackDelivered(peerId: string, message: { id: string; seq: number }) {
    if ((delivered.get(peerId) ?? 0) >= message.seq) return;
    const queued = pendingAcks.get(peerId);
    if (!queued || queued.seq < message.seq) pendingAcks.set(peerId, message);
    ackTimer ??= setTimeout(flushAcks, 50);
  }

  function flushAcks() {
    ackTimer = null;
    for (const [peerId, message] of pendingAcks) {
      pendingAcks.delete(peerId);
      delivered.set(peerId, Math.max(delivered.get(peerId) ?? 0, message.seq));
      client.chat.ackDelivered.mutate({ withUserId: peerId, upTo: message.id }).catch(() => {
        delivered.delete(peerId);
      });
    }
  }

  const readSent = new Map<string, number>();

  /** Marks what I can see read (called by the open conversation while the page is visible). */
  function markRead(peerId: string, message: { id: string; seq: number }) {
    if ((readSent.get(peerId) ?? 0) >= message.seq) return;
    readSent.set(peerId, message.seq);
    updateConversations((page) => ({
      ...page,
      items: markConversationRead(page.items, peerId, message.seq),
    }));
    client.chat.markRead.mutate({ withUserId: peerId, upTo: message.id }).catch(() => {
      readSent.delete(peerId);
    });
  }

  /** After a (re)sync: acknowledge what arrived while no client of mine was connected. */
  function ackFromConversations() {
    const page = utils.chat.conversations.getData(CONVERSATIONS_INPUT);
    for (const c of page?.items ?? []) {
      const last = c.lastMessage;
      if (last && last.senderId !== me && last.seq > c.myReadSeq) ackDelivered(c.peer.id, last);
    }
  }

  // ---- events ---------------------------------------------------------------------------

  function handle(event: ChatEvent) {
    switch (event.type) {
      case 'ready':
        ready = true;
        updateConnection();
        // Replay is done: refetch what is cached so it is exact, then acknowledge deliveries.
        void utils.chat.conversations.invalidate().then(ackFromConversations);
        void queryClient.invalidateQueries({ queryKey: ['history'] });
        return;
      case 'typing':
        typing.set((s) => applyTyping(s, event, Date.now()));
        return;
      case 'presence':
      case 'presence.snapshot':
        presence.set((s) => applyPresence(s, event));
        break;
      case 'message.new': {
        const m = event.message;
        const fromPeer = m.senderId !== me;
        const peerId = fromPeer ? m.senderId : conversationPeer(m.conversationId);
        if (peerId) addToHistory(peerId, m);
        else void queryClient.invalidateQueries({ queryKey: ['history'] });
        // My own message, committed: whatever the outbox still holds for it is done.
        if (!fromPeer) outbox.dispatch({ type: 'sent', id: m.clientMessageId });
        if (fromPeer) {
          typing.set((s) => applyTyping(s, { userId: m.senderId, isTyping: false }, Date.now()));
          ackDelivered(m.senderId, m);
          if (readingPeer() === m.senderId) markRead(m.senderId, m);
        }
        break;
      }
      default:
        break;
    }
    let refetch = false;
    updateConversations((page) => {
      const result = applyEventToConversations(page.items, event, {
        me,
        readingPeerId: readingPeer(),
      });
      refetch = result.refetch;
      return { ...page, items: result.list };
    });
    if (refetch) void utils.chat.conversations.invalidate();
  }

  let subscription: { unsubscribe(): void } | null = null;
  let resubscribeTimer: ReturnType<typeof setTimeout> | null = null;
  let failures = 0;

  function subscribe() {
    if (stopped) return;
    subscription = client.chat.events.subscribe(lastEventId ? { lastEventId } : undefined, {
      onData(item) {
        failures = 0;
        lastEventId = item.id;
        handle(item.data);
      },
      onError(error) {
        ready = false;
        updateConnection();
        subscription = null;
        failures += 1;
        const retry = () => {
          resubscribeTimer = setTimeout(subscribe, Math.min(1000 * 2 ** failures, 15_000));
        };
        // The socket had no valid token: refresh it (or end the session) and subscribe again.
        if (isUnauthorized(error)) deps.auth.refresh().then(retry, () => undefined);
        else retry();
      },
    });
  }

  // ---- outbox ---------------------------------------------------------------------------

  const runner = createOutboxRunner({
    outbox,
    canSend: () => connection.get() === 'online',
    send: (item) =>
      client.chat.send.mutate({
        to: item.to,
        ...(item.text ? { text: item.text } : {}),
        ...(item.attachments.length ? { attachmentIds: item.attachments.map((a) => a.id) } : {}),
        clientMessageId: item.clientMessageId,
      }),
    onSent(result, item) {
      addToHistory(item.to, result as Message);
      updateConversations((page) => {
        const { list, refetch } = applyEventToConversations(
          page.items,
          { type: 'message.new', message: result as Message },
          { me, readingPeerId: null },
        );
        if (refetch) void utils.chat.conversations.invalidate();
        return { ...page, items: list };
      });
    },
    onFailed(_item, message) {
      deps.toast(`Message not sent: ${message}`);
    },
  });

  /** Queues a message; its images must be uploaded already (the composer waits for them). */
  function send(to: string, text: string, attachments: Attachment[] = []) {
    outbox.dispatch({
      type: 'enqueue',
      clientMessageId: crypto.randomUUID(),
      to,
      text,
      attachments,
      at: Date.now(),
    });
    void runner.kick();
  }

  // ---- typing ---------------------------------------------------------------------------

  function sendTyping(to: string, isTyping: boolean) {
    if (connection.get() !== 'online') return;
    client.chat.typing.mutate({ to, isTyping }).catch(() => undefined);
  }

  // ---- lifecycle ------------------------------------------------------------------------

  function start() {
    const state = deps.wsClient.connectionState.subscribe({
      next(s) {
        const open = s.state === 'pending';
        if (!open) ready = false;
        socketOpen = open;
        updateConnection();
      },
    });
    cleanups.push(() => state.unsubscribe());

    const onNetwork = () => {
      networkUp = navigator.onLine;
      updateConnection();
    };
    const onVisibility = () => visible.set(document.visibilityState === 'visible');
    window.addEventListener('online', onNetwork);
    window.addEventListener('offline', onNetwork);
    document.addEventListener('visibilitychange', onVisibility);
    cleanups.push(() => {
      window.removeEventListener('online', onNetwork);
      window.removeEventListener('offline', onNetwork);
      document.removeEventListener('visibilitychange', onVisibility);
    });

    // Expire typing indicators whose "stopped" never came.
    const prune = setInterval(() => typing.set((s) => pruneTyping(s, Date.now())), 1000);
    cleanups.push(() => clearInterval(prune));

    subscribe();
  }

  function stop() {
    stopped = true;
    runner.stop();
    subscription?.unsubscribe();
    if (resubscribeTimer) clearTimeout(resubscribeTimer);
    if (ackTimer) clearTimeout(ackTimer);
    for (const cleanup of cleanups.splice(0)) cleanup();
  }

  return {
    me,
    connection,
    presence,
    typing,
    openPeer,
    visible,
    outbox,
    start,
    stop,
    send,
    retry(clientMessageId: string) {
      outbox.dispatch({ type: 'retry', id: clientMessageId });
      void runner.kick();
    },
    /** Drops the outbox (on an explicit logout). */
    forget() {
      for (const item of outbox.get())
        outbox.dispatch({ type: 'discard', id: item.clientMessageId });
    },
    discard(clientMessageId: string) {
      outbox.dispatch({ type: 'discard', id: clientMessageId });
    },
    markRead,
    sendTyping,
    errorText: (error: unknown) => errorInfo(error).message,
  };
}

export type Engine = ReturnType<typeof createEngine>;
export type EngineStore<T> = Store<T>;
