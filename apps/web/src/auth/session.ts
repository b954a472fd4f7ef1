import { createAuth } from './auth.ts';
import { createPublicClient } from './http.ts';

/** The page's one HTTP client for signing in (no session needed). */
export const publicClient = createPublicClient();

/** The page's session. */
export const auth = createAuth({
  api: {
    refresh: () => publicClient.auth.refresh.mutate(),
    me: () => publicClient.auth.me.query(),
    logout: () => publicClient.auth.logout.mutate(),
  },
  storage: typeof localStorage === 'undefined' ? null : localStorage,
  locks: typeof navigator !== 'undefined' && navigator.locks ? navigator.locks : null,
});

if (typeof window !== 'undefined')
  window.addEventListener('storage', (e) => auth.sharedChanged(e.key, e.newValue));
