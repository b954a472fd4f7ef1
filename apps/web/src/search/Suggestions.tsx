import { trpc } from '../lib/trpc.ts';
import { onListKeyDown } from '../ui/list-navigation.ts';
import { heading, PersonRow } from './PersonRow.tsx';

/** Shown when there is no conversation yet: a few people to say hello to. */
export function Suggestions() {
  const list = trpc.users.list.useQuery({ limit: 20 });
  if (!list.data?.items.length) return null;
  return (
    <>
      <h2 className={heading}>People on Parley</h2>
      <ul aria-label="People on Parley" onKeyDown={onListKeyDown}>
        {list.data.items.map((u) => (
          <PersonRow key={u.id} user={u} onPick={() => undefined} />
        ))}
      </ul>
    </>
  );
}
