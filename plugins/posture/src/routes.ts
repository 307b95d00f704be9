import { createRouteRef, createSubRouteRef } from '@backstage/core-plugin-api';

export const rootRouteRef = createRouteRef({ id: 'posture' });

export const checksRouteRef = createSubRouteRef({
  id: 'posture/checks',
  parent: rootRouteRef,
  path: '/checks',
});

/** Mount points of the entity tabs, for the legacy app's EntityLayout routes. */
export const entityContentRouteRef = createRouteRef({ id: 'posture/entity' });
export const groupContentRouteRef = createRouteRef({ id: 'posture/group' });
export const checksPageRouteRef = createRouteRef({ id: 'posture/checks-page' });

/** A campaign's page, under the overview page's Campaigns tab. */
export const campaignRouteRef = createSubRouteRef({
  id: 'posture/campaign',
  parent: rootRouteRef,
  path: '/campaigns/:id',
});
