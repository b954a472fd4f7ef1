import type { AppRouter } from '@parley/api';
import { createTRPCReact } from '@trpc/react-query';

/** Typed React hooks for the router: `trpc.users.search.useQuery(...)`. */
export const trpc = createTRPCReact<AppRouter>();
