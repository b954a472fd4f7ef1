import { useCallback, useSyncExternalStore } from 'react';
import { parseRoute, routePath, type Route } from './routes.ts';

function subscribe(listener: () => void) {
  window.addEventListener('popstate', listener);
  return () => window.removeEventListener('popstate', listener);
}

const getPath = () => window.location.pathname;

/** Navigates without a reload. */
export function navigate(route: Route, opts: { replace?: boolean } = {}) {
  const path = routePath(route);
  if (path === window.location.pathname) return;
  if (opts.replace) history.replaceState(null, '', path);
  else history.pushState(null, '', path);
  window.dispatchEvent(new PopStateEvent('popstate'));
}

/** The current screen, from the URL. */
export function useRoute(): Route {
  const path = useSyncExternalStore(subscribe, getPath, () => '/');
  // Parsing is cheap, but keep identity stable for effects that depend on the route.
  return useParsed(path);
}

const cache = new Map<string, Route>();
function useParsed(path: string): Route {
  let route = cache.get(path);
  if (!route) {
    route = parseRoute(path);
    cache.set(path, route);
  }
  return route;
}

/** A click handler for links: plain clicks navigate in-app; modified clicks keep browser behaviour. */
export function useLinkHandler(route: Route, after?: () => void) {
  return useCallback(
    (e: React.MouseEvent) => {
      if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey)
        return;
      e.preventDefault();
      navigate(route);
      after?.();
    },
    [route, after],
  );
}
