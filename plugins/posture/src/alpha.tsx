import {
  ApiBlueprint,
  PageBlueprint,
  createFrontendPlugin,
  createRouteRef,
} from '@backstage/frontend-plugin-api';
import {
  EntityCardBlueprint,
  EntityContentBlueprint,
} from '@backstage/plugin-catalog-react/alpha';
import VerifiedUserIcon from '@material-ui/icons/VerifiedUser';
import { postureApiFactory } from './api';

/**
 * The Posture plugin for the new frontend system.
 *
 * Navigation: since frontend-plugin-api 0.17 there is no NavItemBlueprint;
 * the sidebar item comes from the page's `title` and `icon`.
 *
 * @packageDocumentation
 */

const rootRouteRef = createRouteRef();

const postureApi = ApiBlueprint.make({
  params: defineParams => defineParams(postureApiFactory),
});

/** /posture: the overview, with the check catalog as a tab at /posture/checks. */
const posturePage = PageBlueprint.make({
  params: {
    path: '/posture',
    title: 'Posture',
    icon: <VerifiedUserIcon fontSize="inherit" />,
    routeRef: rootRouteRef,
    loader: () => import('./components/PosturePage').then(m => <m.PostureTabs />),
  },
});

const entityPostureContent = EntityContentBlueprint.make({
  name: 'entity',
  params: {
    path: '/posture',
    title: 'Posture',
    filter: { kind: { $in: ['component', 'resource'] } },
    loader: () =>
      import('./components/entity/EntityPostureContent').then(m => <m.EntityPostureContent />),
  },
});

const groupPostureContent = EntityContentBlueprint.make({
  name: 'group',
  params: {
    path: '/posture',
    title: 'Posture',
    filter: { kind: 'group' },
    loader: () =>
      import('./components/group/GroupPostureContent').then(m => <m.GroupPostureContent />),
  },
});

const entityPostureCard = EntityCardBlueprint.make({
  name: 'summary',
  params: {
    filter: { kind: 'component' },
    loader: () => import('./components/card/EntityPostureCard').then(m => <m.EntityPostureCard />),
  },
});

export default createFrontendPlugin({
  pluginId: 'posture',
  title: 'Posture',
  icon: <VerifiedUserIcon fontSize="inherit" />,
  routes: { root: rootRouteRef },
  extensions: [postureApi, posturePage, entityPostureContent, groupPostureContent, entityPostureCard],
});
