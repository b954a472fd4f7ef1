import { useEffect, useState } from 'react';
import type { ConnectionState } from '../realtime/connection.ts';
import { useConnection } from '../realtime/hooks.ts';

const LABELS: Record<ConnectionState, string> = {
  connecting: 'Connecting…',
  online: 'Online',
  reconnecting: 'Reconnecting…',
  offline: 'Offline',
};

const STYLES: Record<ConnectionState, string> = {
  connecting: 'bg-slate-100 text-slate-700 dark:bg-slate-800 dark:text-slate-200',
  online: 'bg-emerald-50 text-emerald-800 dark:bg-emerald-950 dark:text-emerald-200',
  reconnecting: 'bg-amber-50 text-amber-900 dark:bg-amber-950 dark:text-amber-100',
  offline: 'bg-rose-50 text-rose-800 dark:bg-rose-950 dark:text-rose-100',
};

/**
 * The connection as it should be shown: a blip shorter than a second (a token-expiry
 * reconnect) is not worth alarming anyone about, so "reconnecting" shows only when it lasts.
 */
export function useShownConnection(): { state: ConnectionState; shown: ConnectionState } {
  const state = useConnection();
  const [shown, setShown] = useState(state);
  useEffect(() => {
    if (state !== 'reconnecting') {
      setShown(state);
      return;
    }
    const id = setTimeout(() => setShown(state), 1000);
    return () => clearTimeout(id);
  }, [state]);
  return { state, shown };
}

/** The connection, in words, beside my name. */
export function ConnectionBadge() {
  const { state, shown } = useShownConnection();
  return (
    <span
      data-testid="connection-state"
      data-state={state}
      className={`inline-flex shrink-0 items-center gap-1.5 rounded-full px-2 py-0.5 text-xs font-medium ${STYLES[shown]}`}
    >
      <span
        className={`size-1.5 rounded-full ${shown === 'online' ? 'bg-emerald-500' : shown === 'offline' ? 'bg-rose-500' : 'animate-pulse bg-amber-500'}`}
        aria-hidden="true"
      />
      {LABELS[shown]}
    </span>
  );
}

const NOTICES: Record<Exclude<ConnectionState, 'online'>, string> = {
  connecting: 'Connecting…',
  reconnecting: 'Reconnecting… Messages you write are sent once the connection is back.',
  offline: 'You are offline. Messages you write are sent when you are back online.',
};

/** Inside a conversation, on every width: why ticks are clocks and presence is unknown. */
export function ConnectionNotice() {
  const { shown } = useShownConnection();
  if (shown === 'online') return null;
  return (
    <p
      role="status"
      data-testid="connection-notice"
      data-state={shown}
      className={`border-b px-4 py-1.5 text-center text-xs font-medium ${
        shown === 'offline'
          ? 'border-rose-200 bg-rose-50 text-rose-800 dark:border-rose-900 dark:bg-rose-950 dark:text-rose-100'
          : 'border-amber-200 bg-amber-50 text-amber-900 dark:border-amber-900 dark:bg-amber-950 dark:text-amber-100'
      }`}
    >
      {NOTICES[shown]}
    </p>
  );
}
