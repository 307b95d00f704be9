export { PostureStore } from './PostureStore';
export type { PostureStoreOptions } from './PostureStore';
export { PostureLocks } from './locks';
export * from './types';
