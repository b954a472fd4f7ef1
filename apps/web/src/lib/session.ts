import { QueryClient } from '@tanstack/react-query';
import { createAuth } from './auth.ts';
import { createPublicClient } from './client.ts';
import { errorInfo } from './errors.ts';

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

export const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      staleTime: 30_000,
      refetchOnWindowFocus: false,
      retry: (count, error) => {
        const code = errorInfo(error).code;
        if (code && code !== 'INTERNAL_SERVER_ERROR' && code !== 'TOO_MANY_REQUESTS') return false;
        return count < 3;
      },
    },
    mutations: { retry: false },
  },
});
