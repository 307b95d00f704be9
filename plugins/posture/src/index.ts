/**
 * Posture scorecards for Backstage: the entity tab and card, the overview with
 * the balance quadrant, team roll-ups and the check catalog.
 *
 * @packageDocumentation
 */
export {
  posturePlugin,
  PosturePage,
  PostureChecksPage,
  EntityPostureContent,
  EntityPostureCard,
  GroupPostureContent,
  EntityPostureCampaignsCard,
} from './plugin';
export { postureApiRef, postureApiFactory } from './api';
export { createPostureGradeColumn } from './components/column/createPostureGradeColumn';
export type { PostureGradeColumnOptions } from './components/column/createPostureGradeColumn';
export { rootRouteRef, checksRouteRef } from './routes';
export { campaignRouteRef } from './routes';
