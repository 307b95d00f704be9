/**
 * Posture backend plugin: collection from clusters, storage with history,
 * and the REST API.
 *
 * @packageDocumentation
 */
export { posturePlugin as default } from './plugin';
export { readPostureConfig } from './config';
export type { PostureConfig, ClusterConfig } from './config';
