import { useState } from 'react';
import { toast } from '../app/toast.ts';
import { errorInfo } from '../lib/errors.ts';
import type { RouterOutputs } from '../lib/protocol.ts';
import { trpc } from '../lib/trpc.ts';
import { REASONS } from '../safety/reasons.ts';
import { Field } from '../ui/Field.tsx';

export type Report = RouterOutputs['admin']['reports']['items'][number];

/** Said often enough to be one tap; anything else is typed. */
const QUICK_RESOLUTIONS = ['No action needed', 'Warned the member', 'Removed the content'];

const when = (d: Date) =>
  new Date(d).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });

const who = (p: Report['reporter']) =>
  p.username ? `${p.displayName} (@${p.username})` : p.displayName;

function Resolve({ report }: { report: Report }) {
  const utils = trpc.useUtils();
  const resolve = trpc.admin.resolveReport.useMutation();
  const [resolution, setResolution] = useState('');
  const [error, setError] = useState<string[] | undefined>();

  async function submit(e: React.FormEvent) {
    e.preventDefault();
    try {
      await resolve.mutateAsync({ reportId: report.id, resolution });
      toast('Report resolved.', 'info');
      void utils.admin.reports.invalidate();
    } catch (failure) {
      const info = errorInfo(failure);
      setError(info.fieldErrors.resolution ?? [info.message]);
    }
  }

  return (
    <form onSubmit={(e) => void submit(e)} noValidate className="space-y-2">
      <div className="flex flex-wrap gap-1.5" role="group" aria-label="Common resolutions">
        {QUICK_RESOLUTIONS.map((text) => (
          <button
            key={text}
            type="button"
            onClick={() => setResolution(text)}
            aria-pressed={resolution === text}
            className="rounded-full px-3 py-1 text-xs font-medium text-slate-700 ring-1 ring-slate-300 hover:bg-slate-100 aria-pressed:bg-indigo-50 aria-pressed:text-indigo-800 aria-pressed:ring-indigo-300 dark:text-slate-300 dark:ring-slate-700 dark:hover:bg-slate-800 dark:aria-pressed:bg-indigo-950 dark:aria-pressed:text-indigo-200"
          >
            {text}
          </button>
        ))}
      </div>
      <Field
        label="What was done"
        name="resolution"
        value={resolution}
        maxLength={1000}
        onChange={(e) => setResolution(e.target.value)}
        error={error}
      />
      <div className="flex justify-end">
        <button
          type="submit"
          disabled={resolve.isPending || !resolution.trim()}
          className="rounded-lg bg-indigo-600 px-4 py-2 text-sm font-semibold text-white hover:bg-indigo-500 disabled:opacity-50"
        >
          {resolve.isPending ? 'Resolving…' : 'Resolve'}
        </button>
      </div>
    </form>
  );
}

/** One report: who reported whom, why, what was said where, and its resolution. */
export function ReportCard({ report: r }: { report: Report }) {
  const reason = REASONS.find((x) => x.value === r.reason)?.label ?? r.reason;
  const place = r.conversation
    ? r.conversation.kind === 'group'
      ? `in the group “${r.conversation.title ?? ''}”`
      : `in a direct conversation between ${r.reporter.displayName} and ${r.reported.displayName}`
    : null;
  return (
    <li
      className="space-y-3 rounded-2xl bg-white p-4 shadow-sm ring-1 ring-slate-200 md:p-5 dark:bg-slate-900 dark:ring-slate-800"
      data-testid="report"
      data-id={r.id}
      data-status={r.status}
    >
      <div className="flex flex-wrap items-center gap-2">
        <span className="rounded bg-rose-50 px-2 py-0.5 text-xs font-semibold text-rose-800 dark:bg-rose-950 dark:text-rose-200">
          {reason}
        </span>
        <time
          className="text-xs text-slate-600 dark:text-slate-400"
          dateTime={new Date(r.createdAt).toISOString()}
        >
          {when(r.createdAt)}
        </time>
      </div>
      <p className="text-sm" data-testid="report-people">
        <strong className="font-semibold">{who(r.reporter)}</strong> reported{' '}
        <strong className="font-semibold">{who(r.reported)}</strong>
        {r.messageId ? ` for a message${place ? ` ${place}` : ''}.` : '.'}
      </p>
      {r.context.length ? (
        <ol
          aria-label="What was said"
          className="space-y-1 rounded-xl bg-slate-50 p-3 text-sm dark:bg-slate-950"
          data-testid="report-context"
        >
          {r.context.map((m) => (
            <li
              key={m.id}
              data-reported={m.id === r.messageId ? 'true' : undefined}
              className={
                m.id === r.messageId
                  ? 'rounded-lg bg-amber-100 px-2 py-1 text-amber-950 dark:bg-amber-400/20 dark:text-amber-50'
                  : 'px-2 py-1'
              }
            >
              <span className="font-semibold">{m.senderName}:</span> {m.text}
              {m.id === r.messageId ? (
                <span className="sr-only"> (the reported message)</span>
              ) : null}
            </li>
          ))}
        </ol>
      ) : null}
      {r.details ? (
        <p className="text-sm whitespace-pre-wrap text-slate-700 dark:text-slate-300">
          <span className="font-semibold">Note from {r.reporter.displayName}:</span> {r.details}
        </p>
      ) : null}
      {r.status === 'open' ? (
        <Resolve report={r} />
      ) : (
        <p className="text-sm text-emerald-800 dark:text-emerald-300" data-testid="resolution">
          Resolved{r.resolver ? ` by ${r.resolver.displayName}` : ''}
          {r.resolvedAt ? ` on ${when(r.resolvedAt)}` : ''}: {r.resolution}
        </p>
      )}
    </li>
  );
}
