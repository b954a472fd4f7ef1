import { lazyComponent } from '../../lib/lazy-component.ts';

/*
 * The parts of the message actions shown only once asked for. They load when a message is
 * pointed at or focused (see preloadMessageActions), before its menu can open.
 */

/** The reactions row at the top of a message's menu. */
export const QuickReactions = lazyComponent(() =>
  import('./QuickReactions.tsx').then((m) => m.QuickReactions),
);

/** What is being answered or edited, above the message box. */
export const ComposerBanner = lazyComponent(() =>
  import('./ComposerBanner.tsx').then((m) => m.ComposerBanner),
);

/** Fetches what a message's menu shows and what its Reply and Edit open. */
export function preloadMessageActions() {
  QuickReactions.preload();
  ComposerBanner.preload();
}
