import { headerButton } from '../conversations/ConversationHeader.tsx';
import { Menu, type MenuItem } from '../ui/Menu.tsx';
import { MoreIcon } from '../ui/icons.tsx';
import type { Person } from './useBlocking.ts';
import { usePersonSafety } from './usePersonSafety.tsx';

/**
 * The "⋮" of a header about one person: block or unblock, report, after any `leading` items
 * (a direct conversation's own: mute, pin, archive…).
 */
export function PersonMenu({
  user,
  leading = [],
  label = `More options for ${user.displayName}`,
  testId = 'person-menu',
}: {
  user: Person;
  leading?: MenuItem[];
  label?: string;
  testId?: string;
}) {
  const safety = usePersonSafety(user);
  const name = user.displayName;
  return (
    <>
      <Menu
        label={label}
        testId={testId}
        buttonClass={headerButton}
        onOpenChange={(open) => {
          if (open) safety.preload();
        }}
        items={[
          ...leading,
          safety.blocked
            ? { label: `Unblock ${name}`, onSelect: safety.toggleBlock }
            : { label: `Block ${name}`, onSelect: safety.toggleBlock, tone: 'danger' },
          { label: `Report ${name}`, onSelect: safety.report, tone: 'danger' },
        ]}
      >
        <MoreIcon />
      </Menu>
      {safety.dialogs}
    </>
  );
}
