/** Where tabs share the session's expiry (never a token: those live in httpOnly cookies). */
export const SHARED_KEY = 'parley.session';

/** Whether this browser has a session to resume (it signed in, and not out since). */
export const hasSharedSession = () =>
  typeof localStorage !== 'undefined' && localStorage.getItem(SHARED_KEY) !== null;
