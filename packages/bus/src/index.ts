export type { Bus, BusHandler, BusMessage } from './bus.ts';
export { createLocalBus } from './local.ts';
export { createRedisBus } from './redis.ts';
