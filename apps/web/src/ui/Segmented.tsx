import { useId, type ReactNode } from 'react';

/** One choice of a few, side by side (radio buttons under the hood): its legend, options, a note. */
export function Segmented<T extends string>({
  legend,
  options,
  value,
  onChange,
  note,
  testId,
}: {
  legend: string;
  options: ReadonlyArray<{ value: T; label: string }>;
  value: T;
  onChange: (value: T) => void;
  note?: ReactNode;
  testId?: string;
}) {
  const name = useId();
  return (
    <fieldset className="space-y-2" data-testid={testId}>
      <legend className="text-sm font-medium text-slate-700 dark:text-slate-300">{legend}</legend>
      <div className="flex gap-1 rounded-lg bg-slate-100 p-1 dark:bg-slate-800">
        {options.map((option) => (
          <label
            key={option.value}
            className={`flex-1 cursor-pointer rounded-md px-2 py-1.5 text-center text-sm font-medium has-focus-visible:outline-2 has-focus-visible:outline-indigo-500 ${
              value === option.value
                ? 'bg-white text-slate-900 shadow-sm dark:bg-slate-600 dark:text-white'
                : 'text-slate-700 hover:text-slate-900 dark:text-slate-300 dark:hover:text-white'
            }`}
          >
            <input
              type="radio"
              name={name}
              value={option.value}
              checked={value === option.value}
              onChange={() => onChange(option.value)}
              className="sr-only"
            />
            {option.label}
          </label>
        ))}
      </div>
      {note ? <p className="text-xs text-slate-600 dark:text-slate-400">{note}</p> : null}
    </fieldset>
  );
}
