import { trpc } from '../lib/trpc.ts';

/** Whether I am one of the server's administrators (null until the server has said). */
export function useIsAdmin(): boolean | null {
  const me = trpc.auth.me.useQuery(undefined, { staleTime: Infinity });
  return me.data ? me.data.isAdmin : me.isError ? false : null;
}
