import { Config } from '@backstage/config';
import { createBackendModule, coreServices } from '@backstage/backend-plugin-api';
import {
  AuthorizeResult,
  PolicyDecision,
  isPermission,
} from '@backstage/plugin-permission-common';
import { PermissionPolicy, PolicyQuery, PolicyQueryUser } from '@backstage/plugin-permission-node';
import { policyExtensionPoint } from '@backstage/plugin-permission-node/alpha';
import {
  catalogConditions,
  createCatalogConditionalDecision,
} from '@backstage/plugin-catalog-backend/alpha';
import {
  postureClusterReadPermission,
  postureRefreshPermission,
  postureScorecardReadPermission,
} from '@posture-dev/backstage-plugin-posture-common';

/** An entity with this annotation set to "owners" shows its posture to its owners only. */
export const RESTRICTED_ANNOTATION = 'posture.backstage.io/visibility';

export interface PosturePolicyOptions {
  /**
   * Ownership refs (groups, or single users) that run the platform: they may trigger a
   * collection and read cluster status. Nobody else may.
   */
  platformRefs: string[];
}

/** `permission.posture` in app-config.yaml. */
export function readPosturePolicyOptions(config: Config): PosturePolicyOptions {
  const refs = config.getOptionalStringArray('permission.posture.platformRefs') ?? [];
  return { platformRefs: refs.map(r => r.toLocaleLowerCase('en-US')) };
}

/**
 * The demo's permission policy, so the README's permission table is what users see:
 *
 * - `posture.scorecard.read`: everyone, except on an entity annotated
 *   `posture.backstage.io/visibility: owners`, which only its owners may read. That is a
 *   conditional decision the catalog resolves per entity, so the overview, CSV, team
 *   roll-ups and check counts leave such an entity out for everyone else too.
 * - `posture.refresh` and `posture.cluster.read`: members of `permission.posture.platformRefs`.
 * - everything else (catalog, scaffolder, ...): allowed, as the allow-all policy did.
 *
 * Service-to-service calls never reach a policy: Backstage allows them.
 */
export class PosturePolicy implements PermissionPolicy {
  constructor(private readonly options: PosturePolicyOptions) {}

  async handle(request: PolicyQuery, user?: PolicyQueryUser): Promise<PolicyDecision> {
    const { permission } = request;
    if (isPermission(permission, postureScorecardReadPermission)) {
      const claims = user?.info.ownershipEntityRefs ?? [];
      return createCatalogConditionalDecision(permission, {
        anyOf: [
          { not: catalogConditions.hasAnnotation({ annotation: RESTRICTED_ANNOTATION, value: 'owners' }) },
          catalogConditions.isEntityOwner({ claims }),
        ],
      });
    }
    if (isPermission(permission, postureRefreshPermission) || isPermission(permission, postureClusterReadPermission)) {
      const claims = (user?.info.ownershipEntityRefs ?? []).map(r => r.toLocaleLowerCase('en-US'));
      const platform = claims.some(c => this.options.platformRefs.includes(c));
      return { result: platform ? AuthorizeResult.ALLOW : AuthorizeResult.DENY };
    }
    return { result: AuthorizeResult.ALLOW };
  }
}

/** Installs PosturePolicy as the permission backend's policy (instead of the allow-all module). */
export const posturePolicyModule = createBackendModule({
  pluginId: 'permission',
  moduleId: 'posture-policy',
  register(reg) {
    reg.registerInit({
      deps: { policy: policyExtensionPoint, config: coreServices.rootConfig },
      async init({ policy, config }) {
        policy.setPolicy(new PosturePolicy(readPosturePolicyOptions(config)));
      },
    });
  },
});
