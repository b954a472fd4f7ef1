export * from './types.ts';
export * from './store.ts';
export { openStore } from './open.ts';
