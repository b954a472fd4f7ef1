import type { AppRouter } from '@parley/api';
import { createTRPCClient, httpBatchLink } from '@trpc/client';
import superjson from 'superjson';
import { CSRF_HEADER, MAX_BATCH_SIZE } from '@parley/api/protocol';

/** Every HTTP call: same origin, cookies, and the header that marks us as the browser client. */
export const httpLink = () =>
  httpBatchLink({
    url: '/trpc',
    transformer: superjson,
    headers: { [CSRF_HEADER]: '1' },
    maxItems: MAX_BATCH_SIZE,
  });

/** For signing in, when there is no session yet. */
export const createPublicClient = () => createTRPCClient<AppRouter>({ links: [httpLink()] });
