import { useEffect, useState } from 'react';
import { errorInfo } from '../lib/errors.ts';
import { loadSchemas } from '../lib/schemas.ts';
import { auth, publicClient } from '../lib/session.ts';
import { Field, zodFieldErrors } from './Field.tsx';
import { ChatIcon } from './icons.tsx';

type Mode = 'login' | 'signup';

/** Sign in or create an account. Errors show under the field they are about. */
export function AuthScreen({ notice }: { notice: string | null }) {
  const [mode, setMode] = useState<Mode>('login');
  const [values, setValues] = useState({
    login: '',
    username: '',
    email: '',
    displayName: '',
    password: '',
  });
  const [errors, setErrors] = useState<Record<string, string[]>>({});
  const [formError, setFormError] = useState<string | null>(notice);
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
  };

  async function submit(e: React.FormEvent) {
    e.preventDefault();
    setFormError(null);
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
      setErrors(zodFieldErrors(parsed.error.issues));
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

  const tab = (m: Mode, label: string) => (
    <button
      type="button"
      role="tab"
      aria-selected={mode === m}
      onClick={() => switchTo(m)}
      className={`flex-1 rounded-md px-3 py-1.5 text-sm font-medium transition ${
        mode === m
          ? 'bg-white text-slate-900 shadow-sm dark:bg-slate-700 dark:text-white'
          : 'text-slate-500 hover:text-slate-800 dark:text-slate-400 dark:hover:text-slate-200'
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
          <p className="text-sm text-slate-500 dark:text-slate-400">
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
          <form
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
            {formError ? (
              <p
                role="alert"
                className="rounded-lg bg-rose-50 px-3 py-2 text-sm text-rose-700 dark:bg-rose-950 dark:text-rose-200"
              >
                {formError}
              </p>
            ) : null}
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
