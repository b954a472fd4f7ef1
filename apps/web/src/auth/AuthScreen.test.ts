import { describe, expect, it } from 'vitest';
import { formErrors } from './AuthScreen.tsx';

describe('sign-up errors', () => {
  it('says an empty field is empty, and everything wrong with the others, at once', () => {
    const issues = [
      { path: ['username'], message: 'Username must be at least 3 characters.' },
      { path: ['email'], message: 'Enter a valid email address.' },
      { path: ['password'], message: 'Password must be at least 10 characters.' },
      { path: ['password'], message: 'Password is too common.' },
    ];
    expect(
      formErrors(
        'signup',
        { username: '', email: 'x', password: 'short', displayName: '' },
        issues,
      ),
    ).toEqual({
      username: ['Enter a username.'],
      email: ['Enter a valid email address.'],
      password: ['Password must be at least 10 characters.', 'Password is too common.'],
    });
  });
});
