/** The app's screens, as URL paths (the server falls back to index.html for them). */
export type Route =
  | { name: 'home' }
  /** A conversation; `info`: with its info panel open (the group, or the person). */
  | { name: 'conversation'; conversationId: string; info?: boolean }
  /** A person with no conversation yet (or on the way to ours). */
  | { name: 'person'; userId: string }
  | { name: 'profile' }
  | { name: 'newGroup' }
  | { name: 'browse' }
  /** My privacy and notification settings, and whom I blocked. */
  | { name: 'settings' }
  /** Reports to the server's administrators (for them only). */
  | { name: 'adminReports' };

const PATTERNS: [RegExp, (m: string[]) => Route][] = [
  [/^\/c\/([^/]+)\/?$/, (m) => ({ name: 'conversation', conversationId: m[1]! })],
  [/^\/c\/([^/]+)\/info\/?$/, (m) => ({ name: 'conversation', conversationId: m[1]!, info: true })],
  [/^\/u\/([^/]+)\/?$/, (m) => ({ name: 'person', userId: m[1]! })],
  [/^\/profile\/?$/, () => ({ name: 'profile' })],
  [/^\/groups\/new\/?$/, () => ({ name: 'newGroup' })],
  [/^\/groups\/?$/, () => ({ name: 'browse' })],
  [/^\/settings\/?$/, () => ({ name: 'settings' })],
  [/^\/admin\/reports\/?$/, () => ({ name: 'adminReports' })],
];

export function parseRoute(pathname: string): Route {
  for (const [pattern, build] of PATTERNS) {
    const match = pattern.exec(pathname);
    if (match) {
      try {
        return build(match.map((part) => decodeURIComponent(part)));
      } catch {
        return { name: 'home' };
      }
    }
  }
  return { name: 'home' };
}

export function routePath(route: Route): string {
  switch (route.name) {
    case 'conversation':
      return `/c/${encodeURIComponent(route.conversationId)}${route.info ? '/info' : ''}`;
    case 'person':
      return `/u/${encodeURIComponent(route.userId)}`;
    case 'profile':
      return '/profile';
    case 'newGroup':
      return '/groups/new';
    case 'browse':
      return '/groups';
    case 'settings':
      return '/settings';
    case 'adminReports':
      return '/admin/reports';
    case 'home':
      return '/';
  }
}
