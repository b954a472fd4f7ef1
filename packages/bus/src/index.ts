export { BusPublishError, type Bus, type BusHandler, type BusMessage } from './bus.ts';
export { createLocalBus } from './local.ts';
export { createRedisBus, redactRedisUrl, type RedisBus, type RedisBusOptions } from './redis.ts';
export {
  createRedisPresenceRegistry,
  type PresenceChange,
  type RedisPresenceOptions,
  type RedisPresenceRegistry,
} from './redis-presence.ts';
