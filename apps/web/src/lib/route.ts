/** The app's few screens, as URL paths (the server falls back to index.html for them). */
export type Route = { name: 'home' } | { name: 'chat'; peerId: string } | { name: 'profile' };

export function parseRoute(pathname: string): Route {
  const chat = /^\/c\/([^/]+)\/?$/.exec(pathname);
  if (chat?.[1]) return { name: 'chat', peerId: decodeURIComponent(chat[1]) };
  if (/^\/profile\/?$/.test(pathname)) return { name: 'profile' };
  return { name: 'home' };
}

export function routePath(route: Route): string {
  if (route.name === 'chat') return `/c/${encodeURIComponent(route.peerId)}`;
  if (route.name === 'profile') return '/profile';
  return '/';
}
