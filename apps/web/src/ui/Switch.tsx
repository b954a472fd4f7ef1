import { useId } from 'react';

/** An on/off setting: its label, a line saying what it does, and the switch. */
export function Switch({
  label,
  hint,
  checked,
  onChange,
  disabled,
  testId,
}: {
  label: string;
  hint: string;
  checked: boolean;
  onChange: (checked: boolean) => void;
  disabled?: boolean | undefined;
  testId?: string;
}) {
  const id = useId();
  return (
    <div className="flex items-start justify-between gap-4">
      <span>
        <label
          htmlFor={id}
          className="block text-sm font-medium text-slate-800 dark:text-slate-200"
        >
          {label}
        </label>
        <span id={`${id}-hint`} className="block text-xs text-slate-600 dark:text-slate-400">
          {hint}
        </span>
      </span>
      <button
        id={id}
        type="button"
        role="switch"
        aria-checked={checked}
        aria-describedby={`${id}-hint`}
        disabled={disabled}
        data-testid={testId}
        onClick={() => onChange(!checked)}
        className={`relative inline-flex h-7 w-12 shrink-0 items-center rounded-full transition disabled:opacity-50 ${checked ? 'bg-indigo-600' : 'bg-slate-400 dark:bg-slate-600'}`}
      >
        <span
          className={`inline-block size-5 rounded-full bg-white shadow transition ${checked ? 'translate-x-6' : 'translate-x-1'}`}
        />
      </button>
    </div>
  );
}
