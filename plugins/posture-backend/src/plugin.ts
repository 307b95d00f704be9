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
import { readPrometheusConfig } from './clusters/prometheusConfig';
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
        const prometheus = readPrometheusConfig(config);
        const sources = postureConfig.clusters.map(c => createClusterSource(c, prometheus));
        logger.info(
          `Posture: ${checks.length} checks, clusters: ${sources.map(s => `${s.name} (${s.type})`).join(', ') || 'none configured'}`,
        );
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
