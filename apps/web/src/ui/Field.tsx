import { useId } from 'react';

/** A labelled input with its error, wired for screen readers. */
export function Field({
  label,
  error,
  hint,
  multiline,
  ...input
}: {
  label: string;
  error?: string[] | undefined;
  hint?: string;
  multiline?: boolean;
} & React.InputHTMLAttributes<HTMLInputElement>) {
  const id = useId();
  const message = error?.length ? error.join(' ') : undefined;
  const describedBy = message ? `${id}-error` : hint ? `${id}-hint` : undefined;
  const className = `block w-full rounded-lg border bg-white px-3 py-2 text-base shadow-sm transition outline-none placeholder:text-slate-500 focus:ring-2 dark:bg-slate-900 ${
    message
      ? 'border-rose-400 focus:ring-rose-200 dark:border-rose-500 dark:focus:ring-rose-900'
      : 'border-slate-300 focus:border-indigo-500 focus:ring-indigo-100 dark:border-slate-700 dark:focus:ring-indigo-950'
  }`;
  return (
    <div className="space-y-1">
      <label htmlFor={id} className="block text-sm font-medium text-slate-700 dark:text-slate-300">
        {label}
      </label>
      {multiline ? (
        <textarea
          id={id}
          aria-invalid={message ? true : undefined}
          aria-describedby={describedBy}
          className={`${className} min-h-24 resize-y`}
          {...(input as React.TextareaHTMLAttributes<HTMLTextAreaElement>)}
        />
      ) : (
        <input
          id={id}
          aria-invalid={message ? true : undefined}
          aria-describedby={describedBy}
          className={className}
          {...input}
        />
      )}
      {message ? (
        <p
          id={`${id}-error`}
          className="text-xs text-rose-700 dark:text-rose-300"
          data-testid="field-error"
        >
          {message}
        </p>
      ) : hint ? (
        <p id={`${id}-hint`} className="text-xs text-slate-600 dark:text-slate-400">
          {hint}
        </p>
      ) : null}
    </div>
  );
}

/** A form's own error (not about one field), announced when it appears. */
export function FormError({ message }: { message: string | null }) {
  if (!message) return null;
  return (
    <p
      role="alert"
      className="rounded-lg bg-rose-50 px-3 py-2 text-sm text-rose-800 dark:bg-rose-950 dark:text-rose-100"
    >
      {message}
    </p>
  );
}

/** Field errors from a zod safeParse, keyed like the server's `fieldErrors`. */
export function zodFieldErrors(
  issues: readonly { path: readonly PropertyKey[]; message: string }[],
) {
  const out: Record<string, string[]> = {};
  for (const issue of issues)
    (out[issue.path.map(String).join('.') || '_'] ??= []).push(issue.message);
  return out;
}
