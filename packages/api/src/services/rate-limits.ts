import { RateLimiterMemory, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { AppError } from '../errors.ts';

/** Requests allowed per window, by what they protect. */
export interface RateLimitSettings {
  signupPerIpPerHour: number;
  loginPerIpPerMinute: number;
  loginPerAccountPer15Minutes: number;
  sendPerUserPerSecond: number;
  typingPerUserPerSecond: number;
  uploadPerUserPerMinute: number;
}

export const DEFAULT_RATE_LIMITS: RateLimitSettings = {
  signupPerIpPerHour: 20,
  loginPerIpPerMinute: 30,
  loginPerAccountPer15Minutes: 10,
  sendPerUserPerSecond: 50,
  typingPerUserPerSecond: 10,
  uploadPerUserPerMinute: 30,
};

/** Builds a limiter; the scale-out setup passes one backed by Redis so limits hold across processes. */
export type LimiterFactory = (
  name: string,
  points: number,
  durationSeconds: number,
) => RateLimiterAbstract;

export const memoryLimiter: LimiterFactory = (keyPrefix, points, duration) =>
  new RateLimiterMemory({ keyPrefix, points, duration });

export function createRateLimits(
  settings: RateLimitSettings,
  factory: LimiterFactory = memoryLimiter,
) {
  const limiters = {
    signupIp: factory('signup-ip', settings.signupPerIpPerHour, 3600),
    loginIp: factory('login-ip', settings.loginPerIpPerMinute, 60),
    loginAccount: factory('login-account', settings.loginPerAccountPer15Minutes, 900),
    send: factory('send', settings.sendPerUserPerSecond, 1),
    typing: factory('typing', settings.typingPerUserPerSecond, 1),
    upload: factory('upload', settings.uploadPerUserPerMinute, 60),
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
  };
}

export type RateLimits = ReturnType<typeof createRateLimits>;
