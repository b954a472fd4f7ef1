import { BlockIcon, FlagIcon } from '../ui/icons.tsx';
import { PanelSection } from '../ui/Panel.tsx';
import type { Person } from './useBlocking.ts';
import { usePersonSafety } from './usePersonSafety.tsx';

const action =
  'flex w-full items-center gap-3 rounded-lg px-2 py-2 text-left text-sm font-medium hover:bg-slate-100 dark:hover:bg-slate-800';

/** Block or unblock, and report, at the foot of a person's details. */
export function PersonSafetySection({ user }: { user: Person }) {
  const safety = usePersonSafety(user);
  const name = user.displayName;
  return (
    <PanelSection title="Privacy and safety" testId="person-safety">
      <div className="-mx-2 space-y-1" onPointerOver={safety.preload} onFocus={safety.preload}>
        <button
          type="button"
          onClick={safety.toggleBlock}
          className={`${action} ${safety.blocked ? 'text-slate-800 dark:text-slate-200' : 'text-rose-700 dark:text-rose-300'}`}
          data-testid="toggle-block"
        >
          <BlockIcon />
          {safety.blocked ? `Unblock ${name}` : `Block ${name}`}
        </button>
        <button
          type="button"
          onClick={safety.report}
          className={`${action} text-rose-700 dark:text-rose-300`}
          data-testid="report-person"
        >
          <FlagIcon />
          Report {name}
        </button>
      </div>
      {safety.dialogs}
    </PanelSection>
  );
}
