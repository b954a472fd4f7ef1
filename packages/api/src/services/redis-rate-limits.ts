import { RateLimiterMemory, RateLimiterRedis } from 'rate-limiter-flexible';
import type { LimiterFactory } from './rate-limits.ts';

/**
 * Limiters shared by every process through Redis (`storeClient`: an ioredis connection), so a
 * limit holds however requests are spread over processes. While Redis is unreachable each
 * process falls back to its own in-memory limiter instead of failing requests.
 */
export function redisLimiterFactory(
  storeClient: unknown,
  keyPrefix = 'parley:rl:',
): LimiterFactory {
  return (name, points, duration) =>
    new RateLimiterRedis({
      storeClient,
      keyPrefix: `${keyPrefix}${name}`,
      points,
      duration,
      rejectIfRedisNotReady: true,
      insuranceLimiter: new RateLimiterMemory({
        keyPrefix: `${keyPrefix}${name}`,
        points,
        duration,
      }),
    });
}
