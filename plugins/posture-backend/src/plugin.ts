import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
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
import { DatabaseLoadBoard, scheduleLoadHeartbeat } from './replicaLoads';
import { DatabaseRefreshClaims } from './refreshClaims';
import { collectionTaskId, handBackTask, lockSchedulerRoutes, refreshTrigger, staggeredDelay } from './scheduling';
import { CatalogOrgDirectory } from './org/directory';
import { workerEntry } from './worker/runInWorker';
import { readCampaigns } from './campaigns/config';
import { CampaignService } from './campaigns/service';
import { notifyCampaignDeadlines } from './campaigns/notify';
import { CampaignNoticeStore, CampaignStateStore } from './store/campaigns';

const CAMPAIGN_TASK_ID = 'posture-campaign-deadlines';

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
        for (const c of checks) extraChecks.push(c);
      },
    });
    env.registerInit({
      deps: {
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        database: coreServices.database,
        scheduler: coreServices.scheduler,
        lifecycle: coreServices.lifecycle,
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
        lifecycle,
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
        const store = await PostureStore.create({
          database,
          checks: checks.map(c => c.meta),
          entityCacheBytes: postureConfig.entityCacheBytes,
        });
        const prometheus = readPrometheusConfig(config);
        const sources = postureConfig.clusters.map(c => createClusterSource(c, prometheus));
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
        if (postureConfig.workerThreads && sources.length > 0) {
          if (workerEntry()) logger.info('Posture: collections run in worker threads');
          else
            logger.warn(
              'Posture: the worker thread entry of @posture-dev/backstage-plugin-posture-backend was not found ' +
                '(a bundler that left out its threads/ folder?); collections run on the main thread, where a large cluster ' +
                'delays other requests while it is evaluated',
            );
        }
        permissionsRegistry.addPermissions(posturePermissions);

        // the scheduler mounted its /.backstage/scheduler/v1/tasks{,/:id/trigger,/:id/cancel} routes on this
        // plugin's router before any route of ours, open to any user token: they are refused from
        // now on, and POST /refresh (posture.refresh, with a cooldown) is the way to trigger
        const tasks = lockSchedulerRoutes(scheduler);
        if (!tasks.listLocked) {
          logger.warn(
            'Posture: this scheduler lists its tasks at /api/posture/.backstage/scheduler/v1/tasks to any signed-in user (cluster names and last errors)',
          );
        }
        // each replica publishes its collection load, so one that wins a claim can see a less loaded one
        const loads = new DatabaseLoadBoard(await database.getClient());
        const refresher = new PostureRefresher({
          loads,
          sources,
          clusterConfigs: postureConfig.clusters,
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

        // this replica's load, published while it idles too, so that the others can see it is free
        if (sources.length > 0) {
          await scheduleLoadHeartbeat(scheduler, () => refresher.publishLoad());
          lifecycle.addShutdownHook(() => loads.close().catch(() => {}));
        }
        // one global task per cluster: replicas share the fleet through the scheduler's table, each
        // task runs on one replica at a time, and its timeout and cancel reach the run as the signal
        const scheduleCollection = (id: string, cluster: string, i: number) =>
          tasks.scheduleTask({
            id,
            frequency: postureConfig.schedule.frequency,
            timeout: postureConfig.schedule.timeout,
            initialDelay: staggeredDelay(postureConfig.schedule, i, sources.length),
            scope: 'global',
            fn: async signal => {
              // a replica that is full, or sees a less loaded one, hands the task to another
              if ((await refresher.tryRunCluster(cluster, signal)) === 'busy') {
                void handBackTask(tasks, id, logger);
              }
            },
          });
        // A cluster whose task cannot be scheduled (the scheduler's table refused it) is logged and
        // left out, rather than thrown out of init: that would stop the whole backend from starting
        // and leave every later cluster unscheduled. POST /refresh triggers only the tasks scheduled.
        const taskIds: string[] = [];
        for (const [i, source] of sources.entries()) {
          const id = collectionTaskId(source.name);
          try {
            await scheduleCollection(id, source.name, i);
            taskIds.push(id);
          } catch (e) {
            logger.error(
              `Posture: could not schedule the collection of cluster "${source.name}" (task ${id}); it will not be collected: ${(e as Error).message}`,
              e as Error,
            );
          }
        }

        const campaigns = readCampaigns(config);
        const org = new CatalogOrgDirectory(catalog, auth);
        const activeChecks = () => effectiveChecks(checks, postureConfig.engine).map(c => c.meta);
        const campaignStates = new CampaignStateStore(await database.getClient());
        if (campaigns.length) {
          const ledger = new CampaignNoticeStore(await database.getClient());
          const campaignService = new CampaignService({ store, org, campaigns, checks: activeChecks, states: campaignStates });
          await scheduler.scheduleTask({
            id: CAMPAIGN_TASK_ID,
            // notices are claimed once per window, so running often only makes the burn-down finer
            frequency: { minutes: 15 },
            timeout: { minutes: 10 },
            initialDelay: { minutes: 1 },
            scope: 'global',
            fn: async () => {
              await campaignService.recordStates();
              const r = await notifyCampaignDeadlines({ campaigns: campaignService, ledger, notifications, logger });
              if (r.notified || r.logged) {
                logger.info(`Posture campaigns: ${r.notified} deadline notices sent, ${r.logged} logged`);
              }
            },
          });
        }

        httpRouter.use(
          await createRouter({
            org,
            campaigns,
            campaignStates,
            store,
            httpAuth,
            permissions,
            logger,
            checks: () => effectiveChecks(checks, postureConfig.engine).map(c => c.meta),
            // two missed collections make data stale even if nothing failed
            staleAfterMs: 2 * durationMs(postureConfig.schedule.frequency),
            configuredClusters: sources.length,
            triggerRefresh: refreshTrigger({
              scheduler: tasks,
              taskIds,
              cooldownMs: postureConfig.refreshCooldownMs,
              // one cooldown for every replica behind the load balancer, not one each
              claims: new DatabaseRefreshClaims(await database.getClient()),
            }),
          }),
        );
        httpRouter.addAuthPolicy({ path: '/health', allow: 'unauthenticated' });
      },
    });
  },
});
