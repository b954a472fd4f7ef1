import { lazy, type ComponentType } from 'react';

/**
 * React.lazy for a component shown only after the user does something (it loads the first time
 * it renders, inside a Suspense), with `preload()` to fetch its code a moment ahead: when what
 * opens it is hovered, focused or pressed. A failed load is tried again by the next call.
 */
export function lazyComponent<P extends object>(load: () => Promise<ComponentType<P>>) {
  let loading: Promise<{ default: ComponentType<P> }> | null = null;
  const start = () =>
    (loading ??= load().then(
      (component) => ({ default: component }),
      (error: unknown) => {
        loading = null;
        throw error;
      },
    ));
  return Object.assign(lazy(start), {
    /** Fetches the code now (a failure is the render's to report). */
    preload: () => void start().catch(() => undefined),
  });
}
