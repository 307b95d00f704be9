import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { ConflictError } from '@backstage/errors';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { notificationService } from '@backstage/plugin-notifications-node';
import { posturePermissions } from '@posture-dev/backstage-plugin-posture-common';
import {
  Check,
  builtInChecks,
  effectiveChecks,
  postureChecksExtensionPoint,
} from '@posture-dev/backstage-plugin-posture-node';
import { durationMs, readPostureConfig } from './config';
import { createClusterSource } from './clusters/createSource';
import { PostureRefresher } from './refresher';
import { createRouter } from './service/router';
import { PostureStore } from './store';
import { notifyRegressions } from './notify';

const TASK_ID = 'posture-collect';

/**
 * Posture backend: collects every configured cluster on a schedule, scores
 * catalog entities and serves the REST API under /api/posture.
 */
export const posturePlugin = createBackendPlugin({
  pluginId: 'posture',
  register(env) {
    const extraChecks: Check[] = [];
    env.registerExtensionPoint(postureChecksExtensionPoint, {
      addChecks(...checks) {
        extraChecks.push(...checks);
      },
    });
    env.registerInit({
      deps: {
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        database: coreServices.database,
        scheduler: coreServices.scheduler,
        httpRouter: coreServices.httpRouter,
        httpAuth: coreServices.httpAuth,
        auth: coreServices.auth,
        permissions: coreServices.permissions,
        permissionsRegistry: coreServices.permissionsRegistry,
        catalog: catalogServiceRef,
        notifications: notificationService,
      },
      async init({
        config,
        logger,
        database,
        scheduler,
        httpRouter,
        httpAuth,
        auth,
        permissions,
        permissionsRegistry,
        catalog,
        notifications,
      }) {
        const postureConfig = readPostureConfig(config);
        const checks = [...builtInChecks, ...extraChecks];
        const store = await PostureStore.create({ database, checks: checks.map(c => c.meta) });
        const sources = postureConfig.clusters.map(c => createClusterSource(c));
        logger.info(
          `Posture: ${checks.length} checks, clusters: ${sources.map(s => `${s.name} (${s.type})`).join(', ') || 'none configured'}`,
        );
        if (sources.length === 0) {
          // an installed app has no cluster until someone configures one; say so once, loudly, instead of
          // serving an empty overview that looks like "not collected yet"
          logger.warn(
            'Posture: no cluster is configured, so nothing will be scored. Add posture.clusters to app-config.yaml ' +
              '(type kubernetes for a live cluster, or type manifests for a directory of YAML), or declare clusters under ' +
              'kubernetes.clusterLocatorMethods with posture.useKubernetesClusters left on. ' +
              'See the README of @posture-dev/backstage-plugin-posture-backend.',
          );
        }
        permissionsRegistry.addPermissions(posturePermissions);

        const refresher = new PostureRefresher({
          sources,
          store,
          catalog,
          auth,
          logger,
          config: postureConfig,
          checks,
          onRegressions: postureConfig.notifyOnRegression
            ? regressions => notifyRegressions(regressions, notifications, logger)
            : undefined,
        });

        await scheduler.scheduleTask({
          id: TASK_ID,
          frequency: postureConfig.schedule.frequency,
          timeout: postureConfig.schedule.timeout,
          initialDelay: postureConfig.schedule.initialDelay,
          // one run at a time across every backend replica
          scope: 'global',
          fn: async () => {
            await refresher.run();
          },
        });

        httpRouter.use(
          await createRouter({
            store,
            httpAuth,
            permissions,
            logger,
            checks: () => effectiveChecks(checks, postureConfig.engine).map(c => c.meta),
            // two missed collections make data stale even if nothing failed
            staleAfterMs: 2 * durationMs(postureConfig.schedule.frequency),
            configuredClusters: sources.length,
            triggerRefresh: async () => {
              try {
                await scheduler.triggerTask(TASK_ID);
              } catch (e) {
                // already running: that run will pick up the latest state
                if (!(e instanceof ConflictError) && (e as Error).name !== 'ConflictError') throw e;
              }
            },
          }),
        );
        httpRouter.addAuthPolicy({ path: '/health', allow: 'unauthenticated' });
      },
    });
  },
});
