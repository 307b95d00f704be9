import { coreServices, createBackendModule } from '@backstage/backend-plugin-api';
import { scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';
import { resolveEngineConfig } from '@posture-dev/backstage-plugin-posture-node';
import { createPostureScoreAction } from './actions/score';

/** Adds the `posture:score` action to the scaffolder. */
export const scaffolderModulePosture = createBackendModule({
  pluginId: 'scaffolder',
  moduleId: 'posture',
  register(env) {
    env.registerInit({
      deps: {
        scaffolder: scaffolderActionsExtensionPoint,
        config: coreServices.rootConfig,
      },
      async init({ scaffolder, config }) {
        // the same engine settings the posture backend scores with
        const engineConfig = resolveEngineConfig(config.getOptional('posture.engine') ?? {});
        scaffolder.addActions(createPostureScoreAction({ engineConfig }));
      },
    });
  },
});
