import { lazy, Suspense, useEffect } from 'react';
import { Toasts } from './app/Toasts.tsx';
import { auth } from './auth/session.ts';
import { useStore } from './lib/store.ts';

// The signed-out visitor never downloads the chat, and the signed-in one never the sign-in form.
const SignedIn = lazy(() => import('./app/SignedIn.tsx'));
const AuthScreen = lazy(() => import('./auth/AuthScreen.tsx'));

function Loading() {
  return (
    <div className="flex h-full flex-col items-center justify-center gap-3" aria-busy="true">
      <span className="size-6 animate-spin rounded-full border-2 border-indigo-500 border-t-transparent" />
      <span className="text-sm text-slate-600 dark:text-slate-400">Parley</span>
    </div>
  );
}

export function App() {
  const state = useStore(auth.state);

  useEffect(() => {
    void auth.boot();
  }, []);

  return (
    <>
      <Toasts />
      <Suspense fallback={<Loading />}>
        {state.status === 'loading' ? (
          <Loading />
        ) : state.status === 'signedOut' ? (
          <AuthScreen notice={state.notice} />
        ) : (
          <SignedIn key={state.user.id} userId={state.user.id} />
        )}
      </Suspense>
    </>
  );
}
