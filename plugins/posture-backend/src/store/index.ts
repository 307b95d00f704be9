export { PostureStore } from './PostureStore';
export type { PostureStoreOptions } from './PostureStore';
export * from './types';
