import { useMe } from '../auth/useMe.ts';

/** Whether I am one of the server's administrators (null until the server has said). */
export function useIsAdmin(): boolean | null {
  const me = useMe();
  return me.data ? me.data.isAdmin : me.isError ? false : null;
}
