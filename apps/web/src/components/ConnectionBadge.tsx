import { useEffect, useState } from 'react';
import { useChat } from '../hooks/useEngine.ts';
import type { ConnectionState } from '../lib/engine.ts';
import { useStore } from '../lib/store.ts';

const LABELS: Record<ConnectionState, string> = {
  connecting: 'Connecting…',
  online: 'Online',
  reconnecting: 'Reconnecting…',
  offline: 'Offline',
};

const STYLES: Record<ConnectionState, string> = {
  connecting: 'bg-slate-100 text-slate-600 dark:bg-slate-800 dark:text-slate-300',
  online: 'bg-emerald-50 text-emerald-700 dark:bg-emerald-950 dark:text-emerald-300',
  reconnecting: 'bg-amber-50 text-amber-800 dark:bg-amber-950 dark:text-amber-200',
  offline: 'bg-rose-50 text-rose-700 dark:bg-rose-950 dark:text-rose-200',
};

/**
 * The connection, in words. A blip shorter than a second (a token-expiry reconnect) is not
 * worth alarming anyone about, so "reconnecting" shows only when it lasts.
 */
export function ConnectionBadge() {
  const { engine } = useChat();
  const state = useStore(engine.connection);
  const [shown, setShown] = useState(state);
  useEffect(() => {
    if (state !== 'reconnecting') {
      setShown(state);
      return;
    }
    const id = setTimeout(() => setShown(state), 1000);
    return () => clearTimeout(id);
  }, [state]);
  return (
    <span
      data-testid="connection-state"
      data-state={state}
      className={`inline-flex items-center gap-1.5 rounded-full px-2 py-0.5 text-xs font-medium ${STYLES[shown]}`}
    >
      <span
        className={`size-1.5 rounded-full ${shown === 'online' ? 'bg-emerald-500' : shown === 'offline' ? 'bg-rose-500' : 'animate-pulse bg-amber-500'}`}
        aria-hidden="true"
      />
      {LABELS[shown]}
    </span>
  );
}
