import { QueryClientProvider } from '@tanstack/react-query';
import { useEffect } from 'react';
import { AuthScreen } from './components/AuthScreen.tsx';
import { SignedIn } from './components/SignedIn.tsx';
import { Toasts } from './components/Toasts.tsx';
import { auth, queryClient } from './lib/session.ts';
import { useStore } from './lib/store.ts';

export function App() {
  const state = useStore(auth.state);

  useEffect(() => {
    void auth.boot();
  }, []);

  useEffect(() => {
    // Whoever signs in next must not see the previous person's cached data.
    if (state.status === 'signedOut') queryClient.clear();
  }, [state.status]);

  return (
    <QueryClientProvider client={queryClient}>
      <Toasts />
      {state.status === 'loading' ? (
        <div className="flex h-full items-center justify-center" aria-busy="true">
          <span className="size-6 animate-spin rounded-full border-2 border-indigo-500 border-t-transparent" />
          <span className="sr-only">Loading Parley…</span>
        </div>
      ) : state.status === 'signedOut' ? (
        <AuthScreen notice={state.reason} />
      ) : (
        <SignedIn key={state.user.id} userId={state.user.id} />
      )}
    </QueryClientProvider>
  );
}
