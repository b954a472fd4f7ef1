import { RateLimiterMemory, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { AppError } from '../errors.ts';

/** Requests allowed per window, by what they protect. */
export interface RateLimitSettings {
  signupPerIpPerHour: number;
  loginPerIpPerMinute: number;
  /** Failed sign-ins to one account from one address; a success resets it. */
  loginPerAccountPer15Minutes: number;
  /**
   * Failed sign-ins to one account from every address it was never signed in from: past it,
   * only addresses it was signed in from (in the last 14 days) may try, each with its own budget.
   */
  loginFailuresPerAccountPerHour: number;
  sendPerUserPerSecond: number;
  typingPerUserPerSecond: number;
  uploadPerUserPerMinute: number;
  groupChangePerUserPerMinute: number;
  searchPerUserPerSecond: number;
  pushSubscribePerUserPerMinute: number;
  reportsPerUserPerHour: number;
  linkPreviewsPerUserPerMinute: number;
}

export const DEFAULT_RATE_LIMITS: RateLimitSettings = {
  signupPerIpPerHour: 20,
  loginPerIpPerMinute: 30,
  loginPerAccountPer15Minutes: 10,
  loginFailuresPerAccountPerHour: 100,
  sendPerUserPerSecond: 50,
  typingPerUserPerSecond: 10,
  uploadPerUserPerMinute: 30,
  groupChangePerUserPerMinute: 60,
  searchPerUserPerSecond: 10,
  pushSubscribePerUserPerMinute: 20,
  reportsPerUserPerHour: 20,
  linkPreviewsPerUserPerMinute: 120,
};

/** Builds a limiter; the scale-out setup passes one backed by Redis so limits hold across processes. */
export type LimiterFactory = (
  name: string,
  points: number,
  durationSeconds: number,
) => RateLimiterAbstract;

/**
 * How long an address that signed in to an account stays known to it (see
 * loginFailuresPerAccountPerHour). The in-memory limiter keeps keys with a timer: at most 24 days.
 */
const KNOWN_ADDRESS_SECONDS = 14 * 24 * 3600;

export const memoryLimiter: LimiterFactory = (keyPrefix, points, duration) =>
  new RateLimiterMemory({ keyPrefix, points, duration });

export function createRateLimits(
  settings: RateLimitSettings,
  factory: LimiterFactory = memoryLimiter,
) {
  const limiters = {
    signupIp: factory('signup-ip', settings.signupPerIpPerHour, 3600),
    loginIp: factory('login-ip', settings.loginPerIpPerMinute, 60),
    loginAccountAddress: factory('login-account-ip', settings.loginPerAccountPer15Minutes, 900),
    loginAccount: factory('login-account', settings.loginFailuresPerAccountPerHour, 3600),
    /** Marks: this account was signed in from this address. */
    knownAddress: factory('login-known', 1, KNOWN_ADDRESS_SECONDS),
    send: factory('send', settings.sendPerUserPerSecond, 1),
    typing: factory('typing', settings.typingPerUserPerSecond, 1),
    upload: factory('upload', settings.uploadPerUserPerMinute, 60),
    groupChange: factory('group-change', settings.groupChangePerUserPerMinute, 60),
    search: factory('search', settings.searchPerUserPerSecond, 1),
    pushSubscribe: factory('push-subscribe', settings.pushSubscribePerUserPerMinute, 60),
    report: factory('report', settings.reportsPerUserPerHour, 3600),
    linkPreview: factory('link-preview', settings.linkPreviewsPerUserPerMinute, 60),
  };
  return {
    /** Takes one point or throws TOO_MANY_REQUESTS with the seconds to wait. */
    async consume(name: keyof typeof limiters, key: string, message: string): Promise<void> {
      try {
        await limiters[name].consume(key);
      } catch (rejection) {
        if (!(rejection instanceof RateLimiterRes)) throw rejection;
        const retryAfterSeconds = Math.max(1, Math.ceil(rejection.msBeforeNext / 1000));
        throw new AppError('TOO_MANY_REQUESTS', `${message} Try again in ${retryAfterSeconds} s.`, {
          retryAfterSeconds,
        });
      }
    },
    async reset(name: keyof typeof limiters, key: string): Promise<void> {
      await limiters[name].delete(key);
    },
    /** Gives back one point taken by `consume`. */
    async giveBack(name: keyof typeof limiters, key: string): Promise<void> {
      await limiters[name].reward(key);
    },
    /** Marks `key` for the limiter's duration from now (a success to remember, not a limit). */
    async mark(name: keyof typeof limiters, key: string): Promise<void> {
      const limiter = limiters[name];
      await limiter.set(key, 1, limiter.duration);
    },
    async isMarked(name: keyof typeof limiters, key: string): Promise<boolean> {
      return (await limiters[name].get(key)) !== null;
    },
  };
}

export type RateLimits = ReturnType<typeof createRateLimits>;
