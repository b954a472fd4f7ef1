import { lazyComponent } from '../../lib/lazy-component.ts';

/**
 * What is being answered or edited, above the message box: loaded when a message's menu opens
 * (Reply, Edit) or the message box is focused (↑ edits the last message), before it shows.
 */
export const ComposerBanner = lazyComponent(() =>
  import('./ComposerBanner.tsx').then((m) => m.ComposerBanner),
);
