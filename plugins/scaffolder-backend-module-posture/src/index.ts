/**
 * The `posture:score` scaffolder action.
 *
 * @packageDocumentation
 */
export { scaffolderModulePosture as default } from './module';
export { createPostureScoreAction } from './actions/score';
export type { PostureScoreInput, PostureScoreOutput } from './actions/score';
