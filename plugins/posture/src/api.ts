import {
  createApiFactory,
  createApiRef,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/core-plugin-api';
import { PostureApi, PostureClient } from '@posture-dev/backstage-plugin-posture-common';

/** The posture backend's REST API, as used by every view of this plugin. */
export const postureApiRef = createApiRef<PostureApi>({
  id: 'plugin.posture.service',
});

/** Shared by the legacy plugin and the new frontend system's ApiBlueprint. */
export const postureApiFactory = createApiFactory({
  api: postureApiRef,
  deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
  factory: ({ discoveryApi, fetchApi }) =>
    new PostureClient({ discoveryApi, fetchApi }),
});
