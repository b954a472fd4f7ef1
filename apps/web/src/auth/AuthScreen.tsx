import { useEffect, useRef, useState } from 'react';
import { errorInfo } from '../lib/errors.ts';
import { loadSchemas } from '../lib/schemas.ts';
import { Field, FormError, zodFieldErrors } from '../ui/Field.tsx';
import { ChatIcon } from '../ui/icons.tsx';
import type { Notice } from './auth.ts';
import { auth, publicClient } from './session.ts';

type Mode = 'login' | 'signup';

const REQUIRED: Record<Mode, Record<string, string>> = {
  login: { login: 'Enter your username or email.', password: 'Enter your password.' },
  signup: {
    username: 'Enter a username.',
    email: 'Enter your email address.',
    password: 'Enter a password.',
  },
};

/**
 * Every problem with the form at once: an empty required field says so (not "must be at least
 * 3 characters"); the others say everything the rules found wrong with them.
 */
export function formErrors(
  mode: Mode,
  values: Record<string, string>,
  issues: readonly { path: readonly PropertyKey[]; message: string }[],
): Record<string, string[]> {
  const errors = zodFieldErrors(issues);
  for (const [field, message] of Object.entries(REQUIRED[mode])) {
    if (!(values[field] ?? '').trim()) errors[field] = [message];
  }
  return errors;
}

/** Sign in or create an account. Errors show under the field they are about. */
export default function AuthScreen({ notice }: { notice: Notice | null }) {
  const [mode, setMode] = useState<Mode>('login');
  const [values, setValues] = useState({
    login: '',
    username: '',
    email: '',
    displayName: '',
    password: '',
  });
  const [errors, setErrors] = useState<Record<string, string[]>>({});
  const [formError, setFormError] = useState<string | null>(
    notice?.tone === 'error' ? notice.text : null,
  );
  const [info, setInfo] = useState<string | null>(notice?.tone === 'info' ? notice.text : null);
  const tabs = useRef<Record<Mode, HTMLButtonElement | null>>({ login: null, signup: null });
  // A tab chosen from the keyboard keeps the focus (over the new form's autofocus).
  const focusTab = useRef<Mode | null>(null);
  useEffect(() => {
    if (focusTab.current) tabs.current[focusTab.current]?.focus();
    focusTab.current = null;
  }, [mode]);
  const [busy, setBusy] = useState(false);
  useEffect(() => void loadSchemas(), []);

  const set = (key: keyof typeof values) => (e: React.ChangeEvent<HTMLInputElement>) => {
    setValues((v) => ({ ...v, [key]: e.target.value }));
    setErrors(({ [key]: _gone, ...rest }) => rest);
  };

  const switchTo = (next: Mode) => {
    setMode(next);
    setErrors({});
    setFormError(null);
    setInfo(null);
  };

  async function submit(e: React.FormEvent) {
    e.preventDefault();
    setFormError(null);
    setInfo(null);
    const { loginInput, signupInput } = await loadSchemas();
    const parsed =
      mode === 'login'
        ? loginInput.safeParse({ login: values.login, password: values.password })
        : signupInput.safeParse({
            username: values.username,
            email: values.email,
            password: values.password,
            ...(values.displayName.trim() ? { displayName: values.displayName } : {}),
          });
    if (!parsed.success) {
      setErrors(formErrors(mode, values, parsed.error.issues));
      return;
    }
    setBusy(true);
    try {
      const session =
        mode === 'login'
          ? await publicClient.auth.login.mutate(parsed.data as { login: string; password: string })
          : await publicClient.auth.signup.mutate(
              parsed.data as Parameters<typeof publicClient.auth.signup.mutate>[0],
            );
      auth.accept(session);
    } catch (error) {
      const info = errorInfo(error);
      const fields = Object.keys(info.fieldErrors).filter((k) => k !== '_');
      setErrors(info.fieldErrors);
      if (fields.length === 0) setFormError(info.message);
    } finally {
      setBusy(false);
    }
  }

  // Tabs as the ARIA pattern has them: one tab stop, ←/→ (and Home/End) move and select.
  const tab = (m: Mode, label: string) => (
    <button
      ref={(el) => {
        tabs.current[m] = el;
      }}
      type="button"
      role="tab"
      id={`tab-${m}`}
      aria-controls="auth-panel"
      aria-selected={mode === m}
      tabIndex={mode === m ? 0 : -1}
      onClick={() => switchTo(m)}
      onKeyDown={(e) => {
        const next: Mode | null =
          e.key === 'ArrowRight' || e.key === 'ArrowLeft'
            ? m === 'login'
              ? 'signup'
              : 'login'
            : e.key === 'Home'
              ? 'login'
              : e.key === 'End'
                ? 'signup'
                : null;
        if (!next) return;
        e.preventDefault();
        focusTab.current = next;
        switchTo(next);
        tabs.current[next]?.focus();
      }}
      className={`flex-1 rounded-md px-3 py-1.5 text-sm font-medium transition ${
        mode === m
          ? 'bg-white text-slate-900 shadow-sm dark:bg-slate-600 dark:text-white'
          : 'text-slate-700 hover:text-slate-950 dark:text-slate-300 dark:hover:text-white'
      }`}
    >
      {label}
    </button>
  );

  return (
    <main className="flex min-h-full items-center justify-center bg-gradient-to-b from-indigo-50 to-white px-4 py-10 dark:from-slate-900 dark:to-slate-950">
      <div className="w-full max-w-sm">
        <div className="mb-6 flex flex-col items-center gap-2 text-center">
          <span className="inline-flex size-12 items-center justify-center rounded-2xl bg-indigo-600 text-white shadow-lg shadow-indigo-600/30">
            <ChatIcon className="size-6" />
          </span>
          <h1 className="text-2xl font-semibold tracking-tight">Parley</h1>
          <p className="text-sm text-slate-600 dark:text-slate-400">
            Talk in real time. Nothing gets lost.
          </p>
        </div>
        <div className="rounded-2xl bg-white p-6 shadow-xl ring-1 shadow-slate-200/60 ring-slate-200 dark:bg-slate-900 dark:shadow-none dark:ring-slate-800">
          <div
            role="tablist"
            aria-label="Account"
            className="mb-5 flex gap-1 rounded-lg bg-slate-100 p-1 dark:bg-slate-800"
          >
            {tab('login', 'Log in')}
            {tab('signup', 'Sign up')}
          </div>
          {info ? (
            <p
              role="status"
              data-testid="auth-notice"
              className="mb-4 rounded-lg bg-indigo-50 px-3 py-2 text-sm text-indigo-900 dark:bg-indigo-950 dark:text-indigo-100"
            >
              {info}
            </p>
          ) : null}
          <form
            id="auth-panel"
            role="tabpanel"
            aria-labelledby={`tab-${mode}`}
            onSubmit={submit}
            noValidate
            className="space-y-4"
            data-testid="auth-form"
            aria-busy={busy}
          >
            {mode === 'login' ? (
              <Field
                label="Username or email"
                name="login"
                autoComplete="username"
                value={values.login}
                onChange={set('login')}
                error={errors.login}
                autoFocus
              />
            ) : (
              <>
                <Field
                  label="Username"
                  name="username"
                  autoComplete="username"
                  value={values.username}
                  onChange={set('username')}
                  error={errors.username}
                  hint="Letters, digits, “_” and “.”; others find you by it."
                  autoFocus
                />
                <Field
                  label="Email"
                  name="email"
                  type="email"
                  autoComplete="email"
                  value={values.email}
                  onChange={set('email')}
                  error={errors.email}
                />
                <Field
                  label="Display name"
                  name="displayName"
                  autoComplete="name"
                  value={values.displayName}
                  onChange={set('displayName')}
                  error={errors.displayName}
                  hint="Optional. How people see you."
                />
              </>
            )}
            <Field
              label="Password"
              name="password"
              type="password"
              autoComplete={mode === 'login' ? 'current-password' : 'new-password'}
              value={values.password}
              onChange={set('password')}
              error={errors.password}
              hint={mode === 'signup' ? 'At least 10 characters.' : undefined}
            />
            <FormError message={formError} />
            <button
              type="submit"
              disabled={busy}
              className="w-full rounded-lg bg-indigo-600 px-4 py-2.5 text-sm font-semibold text-white shadow-sm transition hover:bg-indigo-500 disabled:opacity-60"
            >
              {busy ? 'Please wait…' : mode === 'login' ? 'Log in' : 'Create account'}
            </button>
          </form>
        </div>
      </div>
    </main>
  );
}
