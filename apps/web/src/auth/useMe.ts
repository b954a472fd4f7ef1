import { trpc } from '../lib/trpc.ts';

/**
 * `auth.me`, read once per page: what the server says of me beyond my profile (whether I am an
 * administrator, its edit window).
 */
export function useMe() {
  return trpc.auth.me.useQuery(undefined, { staleTime: Infinity });
}
