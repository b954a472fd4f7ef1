import { useState } from 'react';
import { useLinkHandler } from '../app/navigation.ts';
import { errorInfo } from '../lib/errors.ts';
import { trpc } from '../lib/trpc.ts';
import { BackToList } from '../ui/BackToList.tsx';
import { Segmented } from '../ui/Segmented.tsx';
import { Spinner } from '../ui/Spinner.tsx';
import { ReportCard } from './ReportCard.tsx';
import { useIsAdmin } from './useIsAdmin.ts';

type Status = 'open' | 'resolved';
const STATUSES: ReadonlyArray<{ value: Status; label: string }> = [
  { value: 'open', label: 'Open' },
  { value: 'resolved', label: 'Resolved' },
];
const PAGE = 20;

function NotAllowed() {
  const back = useLinkHandler({ name: 'home' });
  return (
    <div
      className="flex flex-1 flex-col items-center justify-center gap-3 p-8 text-center"
      data-testid="not-allowed"
    >
      <p className="font-semibold">Not allowed</p>
      <p className="max-w-xs text-sm text-slate-600 dark:text-slate-400">
        Only the server’s administrators can see reports.
      </p>
      <a
        href="/"
        onClick={back}
        className="text-sm font-medium text-indigo-700 underline dark:text-indigo-300"
      >
        Back to conversations
      </a>
    </div>
  );
}

function ReportList({ status }: { status: Status }) {
  const reports = trpc.admin.reports.useInfiniteQuery(
    { status, limit: PAGE },
    { getNextPageParam: (last) => last.nextCursor, staleTime: 0 },
  );
  if (reports.isPending) return <Spinner />;
  if (reports.isError)
    return (
      <p role="alert" className="text-center text-sm text-rose-800 dark:text-rose-200">
        {errorInfo(reports.error).message}
      </p>
    );
  const items = reports.data.pages.flatMap((p) => p.items);
  if (!items.length)
    return (
      <p
        className="py-8 text-center text-sm text-slate-600 dark:text-slate-400"
        data-testid="no-reports"
      >
        {status === 'open' ? 'No open reports. All quiet.' : 'No resolved reports yet.'}
      </p>
    );
  return (
    <>
      <ul className="space-y-3" data-testid="reports">
        {items.map((r) => (
          <ReportCard key={r.id} report={r} />
        ))}
      </ul>
      {reports.hasNextPage ? (
        <div className="flex justify-center">
          <button
            type="button"
            onClick={() => void reports.fetchNextPage()}
            disabled={reports.isFetchingNextPage}
            className="rounded-lg px-4 py-2 text-sm font-semibold text-indigo-800 ring-1 ring-indigo-200 hover:bg-indigo-50 disabled:opacity-50 dark:text-indigo-200 dark:ring-indigo-800 dark:hover:bg-indigo-950"
          >
            {reports.isFetchingNextPage ? 'Loading…' : 'Show older reports'}
          </button>
        </div>
      ) : null}
    </>
  );
}

/** Reports from members, for the server's administrators: read, judge, resolve. */
export function ReportsScreen() {
  const isAdmin = useIsAdmin();
  const [status, setStatus] = useState<Status>('open');
  return (
    <section className="flex min-h-0 flex-1 flex-col" aria-labelledby="reports-title">
      <header className="flex items-center gap-3 border-b border-slate-200 px-3 py-3 md:px-6 dark:border-slate-800">
        <BackToList />
        <h2 id="reports-title" className="font-semibold">
          Reports
        </h2>
      </header>
      {isAdmin === null ? (
        <Spinner />
      ) : !isAdmin ? (
        <NotAllowed />
      ) : (
        <div className="min-h-0 flex-1 overflow-y-auto bg-slate-50 px-4 py-6 dark:bg-slate-900/40">
          <div className="mx-auto max-w-2xl space-y-4">
            <Segmented
              legend="Show"
              options={STATUSES}
              value={status}
              onChange={setStatus}
              testId="report-filter"
            />
            <ReportList key={status} status={status} />
          </div>
        </div>
      )}
    </section>
  );
}
