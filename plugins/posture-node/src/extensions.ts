import { createExtensionPoint } from '@backstage/backend-plugin-api';
import { Check } from './engine/check';

/** Lets backend modules add checks to the catalog the posture backend runs. */
export interface PostureChecksExtensionPoint {
  addChecks(...checks: Check[]): void;
}

export const postureChecksExtensionPoint = createExtensionPoint<PostureChecksExtensionPoint>({
  id: 'posture.checks',
});
