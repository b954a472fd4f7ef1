export * from './types.ts';
export * from './store.ts';
export * from './attachments.ts';
export * from './blobs/blob-store.ts';
export { openStore } from './open.ts';
export { openBlobStore } from './blobs/open.ts';
