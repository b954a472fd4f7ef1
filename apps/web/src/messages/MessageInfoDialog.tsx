import { formatListTime, formatTime } from '../lib/format.ts';
import type { MessageInfo } from '../lib/protocol.ts';
import { trpc } from '../lib/trpc.ts';
import { Avatar } from '../ui/Avatar.tsx';
import { Dialog } from '../ui/Dialog.tsx';

type Entry = MessageInfo['members'][number];

function when(at: Date, now: Date) {
  const day = formatListTime(at, now);
  const time = formatTime(at);
  return day === time ? time : `${day}, ${time}`;
}

function Section({
  title,
  entries,
  at,
  testId,
}: {
  title: string;
  entries: Entry[];
  at: (e: Entry) => Date | null;
  testId: string;
}) {
  const now = new Date();
  if (!entries.length) return null;
  return (
    <section className="mb-4 last:mb-0" data-testid={testId}>
      <h3 className="mb-2 text-xs font-semibold tracking-wide text-slate-600 uppercase dark:text-slate-400">
        {title}
      </h3>
      <ul className="space-y-2">
        {entries.map((e) => {
          const t = at(e);
          return (
            <li key={e.user.id} className="flex items-center gap-3" data-testid="info-member">
              <Avatar user={e.user} size="sm" />
              <span className="min-w-0 flex-1 truncate font-medium">{e.user.displayName}</span>
              {t ? (
                <time
                  dateTime={t.toISOString()}
                  className="text-sm text-slate-600 dark:text-slate-400"
                >
                  {when(t, now)}
                </time>
              ) : null}
            </li>
          );
        })}
      </ul>
    </section>
  );
}

/** Who one of my messages reached and who read it, and when. */
export function MessageInfoDialog({
  messageId,
  onClose,
}: {
  messageId: string;
  onClose: () => void;
}) {
  const info = trpc.chat.messageInfo.useQuery({ messageId }, { staleTime: 0 });
  const members = info.data?.members ?? [];
  const read = members.filter((m) => m.readAt);
  const delivered = members.filter((m) => !m.readAt && m.deliveredAt);
  const waiting = members.filter((m) => !m.readAt && !m.deliveredAt);
  return (
    <Dialog title="Message info" onClose={onClose} testId="message-info">
      {info.isPending ? (
        <p className="text-sm text-slate-600 dark:text-slate-400">Loading…</p>
      ) : info.isError ? (
        <p className="text-sm text-rose-700">{info.error.message}</p>
      ) : (
        <>
          <Section title="Read by" entries={read} at={(e) => e.readAt} testId="info-read" />
          <Section
            title="Delivered to"
            entries={delivered}
            at={(e) => e.deliveredAt}
            testId="info-delivered"
          />
          <Section
            title="Not delivered yet"
            entries={waiting}
            at={() => null}
            testId="info-waiting"
          />
        </>
      )}
    </Dialog>
  );
}
