import { DuplicateError, type Session, type Store, type User } from '@parley/db';
import { AppError } from '../errors.ts';
import type { Connections } from './connections.ts';
import { hashPassword, isCommonPassword, verifyPassword } from './passwords.ts';
import type { RateLimits } from './rate-limits.ts';
import { hashRefreshToken, newRefreshToken, type TokenIssuer } from './tokens.ts';

/** Who is calling, as far as the transport can tell. */
export interface ClientInfo {
  ip: string;
  userAgent: string | null;
}

/** What a successful sign-up, login or refresh hands to the client. */
export interface SessionTokens {
  user: User;
  sessionId: string;
  accessToken: string;
  accessTokenExpiresAt: Date;
  refreshToken: string;
  refreshTokenExpiresAt: Date;
}

export interface Authenticated {
  user: User;
  session: Session;
  accessTokenExpiresAt: Date;
}

const WRONG_CREDENTIALS = 'Wrong username, email or password.';

/** The sign-in limits' key of an account seen from one address. */
const accountAddress = (account: string, ip: string) => `${account}|${ip}`;
const SESSION_ENDED = 'Your session has ended. Sign in again.';

export function createAuthService(deps: {
  store: Store;
  tokens: TokenIssuer;
  limits: RateLimits;
  connections: Connections;
  refreshTtlMs: number;
  now: () => Date;
}) {
  const { store, tokens, limits, connections, now } = deps;
  // Unknown logins verify against this hash, so they cost as much as a wrong password.
  const decoyHash = hashPassword(newRefreshToken().token);

  async function openSession(user: User, client: ClientInfo): Promise<SessionTokens> {
    const refresh = newRefreshToken();
    const session = await store.createSession({
      userId: user.id,
      refreshTokenHash: refresh.hash,
      expiresAt: new Date(now().getTime() + deps.refreshTtlMs),
      userAgent: client.userAgent?.slice(0, 256) ?? null,
      ip: client.ip,
    });
    return issue(user, session, refresh.token);
  }

  async function issue(user: User, session: Session, refreshToken: string): Promise<SessionTokens> {
    const access = await tokens.sign(user.id, session.id);
    return {
      user,
      sessionId: session.id,
      accessToken: access.token,
      accessTokenExpiresAt: access.expiresAt,
      refreshToken,
      refreshTokenExpiresAt: session.expiresAt,
    };
  }

  return {
    async signup(
      input: {
        username: string;
        email: string;
        password: string;
        displayName?: string | undefined;
      },
      client: ClientInfo,
    ): Promise<SessionTokens> {
      await limits.consume('signupIp', client.ip, 'Too many sign-ups from your network.');
      if (isCommonPassword(input.password)) {
        throw new AppError('BAD_REQUEST', 'This password is too common. Choose another one.', {
          fieldErrors: { password: ['This password is too common. Choose another one.'] },
        });
      }
      const passwordHash = await hashPassword(input.password);
      try {
        const user = await store.createUser({
          username: input.username,
          email: input.email,
          passwordHash,
          displayName: input.displayName ?? input.username,
        });
        await limits.mark('knownAddress', accountAddress(user.id, client.ip));
        return await openSession(user, client);
      } catch (error) {
        if (!(error instanceof DuplicateError)) throw error;
        const message =
          error.field === 'username'
            ? 'That username is taken.'
            : 'That email is already registered.';
        throw new AppError('CONFLICT', message, { fieldErrors: { [error.field]: [message] } });
      }
    },

    /**
     * Signs in. Failures are counted per account, whichever of its names was typed (an unknown
     * name counts as an account of its own): per address (a success there resets it), and in all
     * from addresses the account was never signed in from. Past the second budget only those
     * known addresses may try, so strangers can slow an attack down but not lock the owner out.
     */
    async login(
      input: { login: string; password: string },
      client: ClientInfo,
    ): Promise<SessionTokens> {
      const login = input.login.toLowerCase();
      await limits.consume('loginIp', client.ip, 'Too many sign-in attempts from your network.');
      const user = await store.findUserByLogin(login);
      const account = user?.id ?? `login:${login}`;
      const address = accountAddress(account, client.ip);
      const known = await limits.isMarked('knownAddress', address);
      await limits.consume(
        'loginAccountAddress',
        address,
        'Too many failed sign-ins to this account from your network.',
      );
      if (!known) {
        await limits.consume(
          'loginAccount',
          account,
          'Too many failed sign-ins to this account. Sign in from a device you used before, or wait.',
        );
      }
      const valid = await verifyPassword(user?.passwordHash ?? (await decoyHash), input.password);
      if (!user || !valid) throw new AppError('UNAUTHORIZED', WRONG_CREDENTIALS);
      await Promise.all([
        limits.reset('loginAccountAddress', address),
        known ? null : limits.giveBack('loginAccount', account),
        limits.mark('knownAddress', address),
      ]);
      const { passwordHash: _secret, ...publicUser } = user;
      return openSession(publicUser, client);
    },

    /** Rotates the refresh token; presenting an already-rotated one ends the whole session. */
    async refresh(refreshToken: string): Promise<SessionTokens> {
      const next = newRefreshToken();
      const result = await store.rotateRefreshToken({
        oldHash: hashRefreshToken(refreshToken),
        newHash: next.hash,
        now: now(),
      });
      if (result.status === 'invalid') throw new AppError('UNAUTHORIZED', SESSION_ENDED);
      if (result.status === 'reused') {
        await connections.revokeSession(result.session.id);
        throw new AppError(
          'UNAUTHORIZED',
          'This sign-in was used from somewhere else, so it was ended. Sign in again.',
        );
      }
      const user = await store.getUser(result.session.userId);
      if (!user) throw new AppError('UNAUTHORIZED', SESSION_ENDED);
      return issue(user, result.session, next.token);
    },

    async logout(sessionId: string): Promise<void> {
      await store.revokeSession(sessionId, now());
      await connections.revokeSession(sessionId);
    },

    /** Checks an access token and that its session is still alive. */
    async authenticate(accessToken: string): Promise<Authenticated> {
      const claims = await tokens.verify(accessToken);
      const session = await store.getSession(claims.sessionId);
      if (
        !session ||
        session.userId !== claims.userId ||
        session.revokedAt ||
        session.expiresAt <= now()
      ) {
        throw new AppError('UNAUTHORIZED', SESSION_ENDED);
      }
      const user = await store.getUser(claims.userId);
      if (!user) throw new AppError('UNAUTHORIZED', SESSION_ENDED);
      return { user, session, accessTokenExpiresAt: claims.expiresAt };
    },
  };
}

export type AuthService = ReturnType<typeof createAuthService>;
