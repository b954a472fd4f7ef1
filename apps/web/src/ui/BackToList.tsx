import { useLinkHandler } from '../app/navigation.ts';
import { BackIcon } from './icons.tsx';

/** The header's way back to the conversation list, on narrow screens only. */
export function BackToList() {
  const back = useLinkHandler({ name: 'home' });
  return (
    <a
      href="/"
      onClick={back}
      aria-label="Back to conversations"
      className="-ml-1 rounded-lg p-1.5 text-slate-600 hover:bg-slate-100 md:hidden dark:text-slate-300 dark:hover:bg-slate-800"
    >
      <BackIcon className="size-6" />
    </a>
  );
}
