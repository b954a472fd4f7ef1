/**
 * The realtime core of a signed-in session: one `chat.events` subscription feeding the query
 * caches (through the pure `applyEvent`), presence, typing and the people directory; delivery
 * and read receipts; the outbox. React reads it through hooks; nothing here renders.
 */
import type { AppRouter } from '@parley/api';
import { partialMatchKey, type QueryClient, type QueryKey } from '@tanstack/react-query';
import { createTRPCQueryUtils, getQueryKey } from '@trpc/react-query';
import type { Auth } from '../auth/auth.ts';
import { isUnauthorized } from '../lib/errors.ts';
import type { Attachment } from '../lib/media.ts';
import type {
  ChatEvent,
  Destination,
  Message,
  PrivacySettings,
  PublicUser,
} from '../lib/protocol.ts';
import { createStore } from '../lib/store.ts';
import { trpc } from '../lib/trpc.ts';
import { systemUserIds } from '../groups/system-text.ts';
import type { ReplyPreview } from '../messages/actions/quote.ts';
import { historyInput } from '../messages/history.ts';
import { createOutbox, createOutboxRunner, type Outbox } from '../messages/outbox.ts';
import { applyEvent, markConversationRead, NO_CHANGES, type CacheChanges } from './cache-events.ts';
import type { ApiClient, Fallback, WsClient } from './client.ts';
import { connectionState, type ConnectionState } from './connection.ts';
import { createDirectory } from './directory.ts';
import { createEventCursor } from './event-stream.ts';
import { applyPresence, type PresenceMap } from './presence.ts';
import { createPositionSender, type Position } from './receipts.ts';
import { applyTyping, createTypingGate, pruneTyping, type TypingState } from './typing.ts';

/** The conversation list the app shows: the first 100, newest first. */
export const CONVERSATIONS_INPUT = { limit: 100 };

/** A send that got no answer in this long is tried again (same clientMessageId). */
const SEND_TIMEOUT_MS = 20_000;

export interface EngineDeps {
  me: string;
  auth: Auth;
  client: ApiClient;
  wsClient: WsClient;
  /** Set when the event stream may fall back to Server-Sent Events (see createSessionClient). */
  fallback?: Fallback;
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
  const visible = createStore<boolean>(
    typeof document === 'undefined' || document.visibilityState === 'visible',
  );
  const outbox: Outbox = createOutbox(deps.storage, `parley.outbox.${me}`);
  const directory = createDirectory((ids) => client.users.get.query({ ids }));
  const cursor = createEventCursor();

  const facts = { networkUp: true, socketOpen: false, ready: false, everOnline: false };
  if (typeof navigator !== 'undefined') facts.networkUp = navigator.onLine;
  let stopped = false;
  const cleanups: (() => void)[] = [];
  /** Who else hears every event, once the caches have it (notifications). */
  const listeners = new Set<(event: ChatEvent) => void>();

  function updateConnection() {
    const state = connectionState(facts);
    if (state === 'online') facts.everOnline = true;
    connection.set(state);
    if (state === 'online') void runner.kick();
  }

  // ---- caches ---------------------------------------------------------------------------

  /** After writing a cache: a fetch in flight would overwrite the write, so fetch again after. */
  function reconcile(queryKey: QueryKey) {
    if (queryClient.isFetching({ queryKey }) > 0)
      void queryClient.invalidateQueries({ queryKey, refetchType: 'active' });
  }

  function write(changes: CacheChanges) {
    if (changes.conversations) {
      utils.chat.conversations.setData(CONVERSATIONS_INPUT, changes.conversations);
      reconcile(getQueryKey(trpc.chat.conversations));
    }
    if (changes.history) {
      const input = historyInput(changes.history.conversationId);
      utils.chat.history.setInfiniteData(input, changes.history.data);
      reconcile(getQueryKey(trpc.chat.history, input, 'infinite'));
    }
    if (changes.refetchConversations) void utils.chat.conversations.invalidate();
    if (changes.pinnedChanged)
      void utils.chat.pinned.invalidate({ conversationId: changes.pinnedChanged });
    if (changes.membersChanged) {
      void utils.groups.members.invalidate({ conversationId: changes.membersChanged });
      void utils.chat.conversation.invalidate({ conversationId: changes.membersChanged });
    }
  }

  /** Everyone a query returned goes into the directory (names, pictures, presence). */
  function feedDirectory(queryKey: QueryKey, data: unknown) {
    const is = (key: QueryKey) => partialMatchKey(queryKey, key);
    let users: PublicUser[] = [];
    if (is(getQueryKey(trpc.users.search)) || is(getQueryKey(trpc.users.get)))
      users = data as PublicUser[];
    else if (is(getQueryKey(trpc.users.list))) users = (data as { items: PublicUser[] }).items;
    else if (is(getQueryKey(trpc.groups.members)))
      users = (data as { items: { user: PublicUser }[] }).items.map((m) => m.user);
    else if (is(getQueryKey(trpc.chat.conversations)))
      users = (data as { items: { peer: PublicUser | null }[] }).items.flatMap((c) =>
        c.peer ? [c.peer] : [],
      );
    directory.note(users);
  }

  // ---- receipts -------------------------------------------------------------------------

  const delivered = createPositionSender((conversationId, upTo) =>
    client.chat.ackDelivered.mutate({ conversationId, upTo: upTo.id }),
  );
  const read = createPositionSender(
    (conversationId, upTo) => client.chat.markRead.mutate({ conversationId, upTo: upTo.id }),
    (fn) => setTimeout(fn, 100),
  );

  /** Marks what I have seen read (the open conversation calls it for what is on screen). */
  function markRead(conversationId: string, position: Position) {
    if (!read.advance(conversationId, position)) return;
    const page = utils.chat.conversations.getData(CONVERSATIONS_INPUT);
    if (page)
      write({
        ...NO_CHANGES,
        conversations: markConversationRead(page, conversationId, position.seq),
      });
  }

  /** After a (re)sync: acknowledge what arrived while no client of mine was connected. */
  function ackFromConversations() {
    const page = utils.chat.conversations.getData(CONVERSATIONS_INPUT);
    for (const c of page?.items ?? []) {
      const last = c.lastMessage;
      if (last && c.myRole !== null && last.senderId !== me && last.seq > c.myReadSeq)
        delivered.advance(c.id, last);
    }
  }

  // ---- events ---------------------------------------------------------------------------

  /** Whether the stream resumed where it left off; if not, everything cached may be stale. */
  let resumed = false;

  function onReady() {
    facts.ready = true;
    updateConnection();
    void utils.chat.conversations.invalidate().then(ackFromConversations);
    if (resumed) return;
    void utils.groups.members.invalidate();
    void queryClient
      .invalidateQueries({ queryKey: getQueryKey(trpc.chat.history) })
      .then(() => outbox.dispatch({ type: 'dropAcked' }));
  }

  /** Who sees my last seen, as the last `settings.changed` said (null: not heard yet). */
  let lastSeenChoice: PrivacySettings['lastSeen'] | null = null;

  /**
   * My privacy settings changed (here or on another device). When who sees my last seen may
   * have changed, so has whose I see (it is symmetric): what the stream said before is
   * dropped, and everyone known is asked for afresh.
   */
  function onSettingsChanged(settings: PrivacySettings) {
    utils.users.settings.setData(undefined, settings);
    if (settings.lastSeen === lastSeenChoice) return;
    lastSeenChoice = settings.lastSeen;
    presence.set({});
    directory.refresh(Object.keys(directory.people.get()));
  }

  /**
   * My message, committed: its outbox item here (if it was sent from this device) is done, as the
   * event carries it into the caches. A
   * conversation whose history is not loaded yet (the one my first message just made) gets it
   * loaded first, so the message never leaves the screen in between.
   */
  function settleSent(m: Message) {
    if (!outbox.get().some((item) => item.clientMessageId === m.clientMessageId)) return;
    const input = historyInput(m.conversationId);
    const done = () => outbox.dispatch({ type: 'sent', id: m.clientMessageId });
    if (utils.chat.history.getInfiniteData(input)) done();
    else utils.chat.history.fetchInfinite(input).then(done, done);
  }

  function handle(event: ChatEvent) {
    switch (event.type) {
      case 'ready':
        return onReady();
      case 'typing':
        typing.set((s) => applyTyping(s, event, Date.now()));
        return;
      case 'presence':
      case 'presence.snapshot':
        presence.set((s) => applyPresence(s, event));
        return;
      case 'user.updated':
        directory.noteProfile(event.user);
        break;
      case 'user.blocked':
        // On another of my devices: what I see of them changes with it.
        void utils.users.blocked.invalidate();
        directory.refresh([event.userId]);
        break;
      case 'settings.changed':
        onSettingsChanged(event.settings);
        return;
      case 'message.new': {
        const m = event.message;
        if (m.senderId === me && m.kind === 'text') {
          settleSent(m);
        } else if (m.senderId !== me) {
          const stop = { conversationId: m.conversationId, userId: m.senderId, isTyping: false };
          typing.set((s) => applyTyping(s, stop, Date.now()));
          delivered.advance(m.conversationId, m);
        }
        directory.want([m.senderId, ...systemUserIds(m.system)]);
        break;
      }
      default:
        break;
    }
    write(
      applyEvent(
        {
          conversations: utils.chat.conversations.getData(CONVERSATIONS_INPUT),
          history: (id) => utils.chat.history.getInfiniteData(historyInput(id)),
        },
        event,
        {
          me,
          nameOf: (id) => directory.people.get()[id]?.displayName ?? null,
          now: () => new Date(),
        },
      ),
    );
    for (const listener of listeners) listener(event);
  }

  let subscription: { unsubscribe(): void } | null = null;
  let resubscribeTimer: ReturnType<typeof setTimeout> | null = null;
  let failures = 0;

  function subscribe() {
    if (stopped) return;
    const from = cursor.lastEventId;
    subscription = client.chat.events.subscribe(from ? { lastEventId: from } : undefined, {
      onData(item) {
        failures = 0;
        // The first item of every (re)subscription is the snapshot, at the point it resumed from.
        if (item.data.type === 'presence.snapshot') {
          const known = cursor.lastEventId;
          resumed = known !== null && item.id === known;
        }
        if (cursor.accept(item.id, item.data)) handle(item.data);
      },
      onError(error) {
        facts.ready = false;
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
    async send(item) {
      const target =
        item.conversationId !== null
          ? { conversationId: item.conversationId }
          : { to: item.to ?? '' };
      const m = await client.chat.send.mutate(
        {
          ...target,
          ...(item.text ? { text: item.text } : {}),
          ...(item.attachments.length ? { attachmentIds: item.attachments.map((a) => a.id) } : {}),
          ...(item.replyTo ? { replyTo: item.replyTo.messageId } : {}),
          clientMessageId: item.clientMessageId,
        },
        { signal: AbortSignal.timeout(SEND_TIMEOUT_MS) },
      );
      return { id: m.id, seq: m.seq, conversationId: m.conversationId };
    },
    onFailed(_item, message) {
      deps.toast(`Message not sent: ${message}`);
    },
  });

  /** Queues a message; its images must be uploaded already (the composer waits for them). */
  function send(
    destination: Destination,
    text: string,
    attachments: Attachment[] = [],
    replyTo: ReplyPreview | null = null,
  ) {
    outbox.dispatch({
      type: 'enqueue',
      clientMessageId: crypto.randomUUID(),
      destination,
      text,
      attachments,
      replyTo,
      at: Date.now(),
    });
    void runner.kick();
  }

  // ---- typing ---------------------------------------------------------------------------

  const typingGate = createTypingGate((conversationId, isTyping) => {
    if (connection.get() !== 'online') return;
    client.chat.typing.mutate({ conversationId, isTyping }).catch(() => undefined);
  });

  // ---- lifecycle ------------------------------------------------------------------------

  function start() {
    const state = deps.wsClient.connectionState.subscribe({
      next(s) {
        if (deps.fallback?.active) return;
        facts.socketOpen = s.state === 'pending';
        if (!facts.socketOpen) facts.ready = false;
        updateConnection();
      },
    });
    cleanups.push(() => state.unsubscribe());
    // Fallen back to Server-Sent Events: HTTP is the connection now; the stream starts again over
    // it, resuming after the last event seen.
    const offFallback = deps.fallback?.onActivate(() => {
      facts.socketOpen = true;
      facts.ready = false;
      updateConnection();
      subscription?.unsubscribe();
      subscription = null;
      if (resubscribeTimer) clearTimeout(resubscribeTimer);
      subscribe();
    });
    if (offFallback) cleanups.push(offFallback);

    const onNetwork = () => {
      facts.networkUp = navigator.onLine;
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

    const unwatch = queryClient.getQueryCache().subscribe((e) => {
      if (e.type === 'updated' && e.action.type === 'success')
        feedDirectory(e.query.queryKey, e.action.data);
    });
    cleanups.push(unwatch);

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
    for (const cleanup of cleanups.splice(0)) cleanup();
  }

  return {
    me,
    connection,
    presence,
    typing,
    visible,
    outbox,
    directory,
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
    /** Calls `listener` with every event after the caches took it in; returns the way out. */
    listen(listener: (event: ChatEvent) => void): () => void {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    sendTyping: (conversationId: string, isTyping: boolean) =>
      typingGate.push(conversationId, isTyping),
  };
}

export type Engine = ReturnType<typeof createEngine>;
