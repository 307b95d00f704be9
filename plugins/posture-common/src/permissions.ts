import { createPermission } from '@backstage/plugin-permission-common';

/**
 * Reading an entity's scorecard. A resource permission on catalog entities, so
 * a policy can limit it, for example to the entity's owners.
 */
export const postureScorecardReadPermission = createPermission({
  name: 'posture.scorecard.read',
  attributes: { action: 'read' },
  resourceType: 'catalog-entity',
});

/** Triggering a collection from every cluster. */
export const postureRefreshPermission = createPermission({
  name: 'posture.refresh',
  attributes: { action: 'update' },
});

/** Reading cluster source status. */
export const postureClusterReadPermission = createPermission({
  name: 'posture.cluster.read',
  attributes: { action: 'read' },
});

export const posturePermissions = [
  postureScorecardReadPermission,
  postureRefreshPermission,
  postureClusterReadPermission,
];
