import {
  createComponentExtension,
  createPlugin,
  createRoutableExtension,
} from '@backstage/core-plugin-api';
import { postureApiFactory } from './api';
import {
  campaignRouteRef,
  checksPageRouteRef,
  checksRouteRef,
  entityContentRouteRef,
  groupContentRouteRef,
  rootRouteRef,
} from './routes';

/** The Posture plugin for apps on the legacy frontend system. */
export const posturePlugin = createPlugin({
  id: 'posture',
  apis: [postureApiFactory],
  routes: {
    root: rootRouteRef,
    checks: checksRouteRef,
    entityContent: entityContentRouteRef,
    groupContent: groupContentRouteRef,
    checksPage: checksPageRouteRef,
    campaign: campaignRouteRef,
  },
});

/** The overview page, with the check catalog as a tab at ./checks. */
export const PosturePage = posturePlugin.provide(
  createRoutableExtension({
    name: 'PosturePage',
    component: () => import('./components/PosturePage').then(m => m.PosturePage),
    mountPoint: rootRouteRef,
  }),
);

/** The check catalog as a page of its own. */
export const PostureChecksPage = posturePlugin.provide(
  createRoutableExtension({
    name: 'PostureChecksPage',
    component: () => import('./components/PosturePage').then(m => m.PostureChecksPage),
    mountPoint: checksPageRouteRef,
  }),
);

/** The Posture tab of a Component or Resource. */
export const EntityPostureContent = posturePlugin.provide(
  createRoutableExtension({
    name: 'EntityPostureContent',
    component: () =>
      import('./components/entity/EntityPostureContent').then(m => m.EntityPostureContent),
    mountPoint: entityContentRouteRef,
  }),
);

/** The Posture tab of a Group: the team view. */
export const GroupPostureContent = posturePlugin.provide(
  createRoutableExtension({
    name: 'GroupPostureContent',
    component: () =>
      import('./components/group/GroupPostureContent').then(m => m.GroupPostureContent),
    mountPoint: groupContentRouteRef,
  }),
);

/** Summary card for the entity overview; a card is not a route, so it is a component extension. */
export const EntityPostureCard = posturePlugin.provide(
  createComponentExtension({
    name: 'EntityPostureCard',
    component: {
      lazy: () => import('./components/card/EntityPostureCard').then(m => m.EntityPostureCard),
    },
  }),
);

/** The campaigns an entity is part of, with deadlines and what blocks it; renders nothing outside any campaign. */
export const EntityPostureCampaignsCard = posturePlugin.provide(
  createComponentExtension({
    name: 'EntityPostureCampaignsCard',
    component: {
      lazy: () => import('./components/campaigns/EntityCampaignsCard').then(m => m.EntityCampaignsCard),
    },
  }),
);
