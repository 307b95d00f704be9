// One backend replica of the fleet figure: Backstage's own scheduler (DefaultSchedulerService, the
// implementation behind coreServices.scheduler) on the shared PostgreSQL database with one global task
// per cluster, the real PostureRefresher (collection and evaluation in worker threads), and the real
// router serving GET /entities behind the compression middleware of Backstage's root router. Prints `URL <base>`, then one `RUN {...}` line per cluster run and a
// `STATS {...}` line every second (event-loop delay p99 since the first run started, peak RSS).
//   node <TS_FLAGS> bench/workers/fleetReplica.mjs <name> <pg-url> <fleet.json> <migrate:0|1>
import express from 'express';
import fs from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { backend } from '../lib/backend.mjs';
import { backendRequire } from '../lib/env.mjs';

const [name, pgUrl, fleetFile, migrate] = process.argv.slice(2);
const fleet = JSON.parse(fs.readFileSync(fleetFile, 'utf8'));
const { node } = backend();
const { PostureStore } = backendRequire('./src/store');
const { PostureRefresher } = backendRequire('./src/refresher');
const { DatabaseLoadBoard, scheduleLoadHeartbeat } = backendRequire('./src/replicaLoads');
const { createRouter } = backendRequire('./src/service/router');
const { readPostureConfig } = backendRequire('./src/config');
const { createClusterSource } = backendRequire('./src/clusters/createSource');
const { collectionTaskId, handBackTask, staggeredDelay } = backendRequire('./src/scheduling');
const { ConfigReader } = backendRequire('@backstage/config');
const { DefaultSchedulerService } = backendRequire('@backstage/backend-defaults/scheduler');
const { MiddlewareFactory } = backendRequire('@backstage/backend-defaults/rootHttpRouter');
const knex = backendRequire('knex')({ client: 'pg', connection: pgUrl, pool: { min: 0, max: 8 } });

const out = (tag, o) => process.stdout.write(`${tag} ${JSON.stringify({ replica: name, ...o })}\n`);
const logger = {
  info: m => process.env.BENCH_FLEET_TRACE && process.stderr.write(`[${name}] ${Date.now()} info: ${m}\n`),
  debug() {},
  warn: (m, e) => process.stderr.write(`[${name}] warn: ${m}${e ? ` ${e}` : ''}\n`),
  error: (m, e) => process.stderr.write(`[${name}] error: ${m}${e ? ` ${e}` : ''}\n`),
  child() {
    return logger;
  },
};
const noopMetric = { add() {}, record() {} };
const metrics = {
  createCounter: () => noopMetric,
  createHistogram: () => noopMetric,
  createGauge: () => noopMetric,
  createUpDownCounter: () => noopMetric,
  createObservableCounter: () => ({ addCallback() {} }),
  createObservableGauge: () => ({ addCallback() {} }),
  createObservableUpDownCounter: () => ({ addCallback() {} }),
};

const config = readPostureConfig(
  new ConfigReader({
    posture: {
      useKubernetesClusters: false,
      notifyOnRegression: false,
      clusters: fleet.clusters.map(c => ({
        type: 'kubernetes',
        name: c.name,
        url: c.url,
        skipTLSVerify: true,
        timeout: { seconds: fleet.timeoutSeconds },
        metadataOnly: fleet.metadataOnly,
      })),
      schedule: { frequency: { seconds: fleet.frequencySeconds }, timeout: { seconds: fleet.timeoutSeconds } },
      ...(fleet.collectionMemoryMegabytes ? { collectionMemoryMegabytes: fleet.collectionMemoryMegabytes } : {}),
      ...(fleet.entityCacheMegabytes ? { entityCacheMegabytes: fleet.entityCacheMegabytes } : {}),
    },
  }),
);
const checks = node.builtInChecks;
const store = await PostureStore.fromKnex(knex, {
  checks: checks.map(c => c.meta),
  skipMigrations: migrate !== '1',
  // as plugin.ts passes it
  entityCacheBytes: config.entityCacheBytes,
});
const entities = JSON.parse(fs.readFileSync(fleet.entitiesFile, 'utf8'));
const credentials = { $$type: '@backstage/BackstageCredentials', principal: { type: 'user', userEntityRef: 'user:default/bench' } };
const refresher = new PostureRefresher({
  sources: config.clusters.map(c => createClusterSource(c)),
  clusterConfigs: config.clusters,
  store,
  catalog: { getEntities: async () => ({ items: entities }) },
  auth: { getOwnServiceCredentials: async () => credentials },
  logger,
  config,
  checks,
  onRegressions: async () => {},
  // as plugin.ts does: each replica publishes its collection load
  loads: new DatabaseLoadBoard(knex),
});

const eld = monitorEventLoopDelay({ resolution: 10 });
let measuring = false;
let peakRss = process.memoryUsage().rss;
setInterval(() => {
  const mem = process.memoryUsage();
  peakRss = Math.max(peakRss, mem.rss);
  // with a trace, the memory each second: where a peak comes from
  if (process.env.BENCH_FLEET_TRACE) {
    const mb = n => Math.round(n / 2 ** 20);
    process.stderr.write(`[${name}] ${Date.now()} memory: rss ${mb(mem.rss)} heapUsed ${mb(mem.heapUsed)} heapTotal ${mb(mem.heapTotal)} external ${mb(mem.external)} arrayBuffers ${mb(mem.arrayBuffers)} collecting ${refresher.load().running}\n`);
  }
  out('STATS', {
    peakRssMb: Math.round(peakRss / 2 ** 20),
    eldP99Ms: measuring ? eld.percentile(99) / 1e6 : null,
    eldMaxMs: measuring ? eld.max / 1e6 : null,
  });
}, 1000).unref();

const scheduler = DefaultSchedulerService.create({
  database: { getClient: async () => knex },
  logger,
  metrics,
  rootLifecycle: { addShutdownHook() {}, addStartupHook() {}, addBeforeShutdownHook() {} },
  pluginMetadata: { getId: () => 'posture' },
  httpRouter: { use() {}, addAuthPolicy() {} },
});
await scheduleLoadHeartbeat(scheduler, () => refresher.publishLoad());
for (const [i, c] of config.clusters.entries()) {
  await scheduler.scheduleTask({
    id: collectionTaskId(c.name),
    frequency: config.schedule.frequency,
    timeout: config.schedule.timeout,
    // as plugin.ts does
    initialDelay: staggeredDelay({ ...config.schedule, initialDelay: { seconds: 2 } }, i, config.clusters.length),
    scope: 'global',
    fn: async signal => {
      if (!measuring) {
        measuring = true;
        eld.enable();
      }
      const startedAt = Date.now();
      out('RUN', { cluster: c.name, phase: 'start', at: startedAt });
      try {
        // as plugin.ts does: a replica that is full, or sees a less loaded one, hands the task back
        const s = await refresher.tryRunCluster(c.name, signal);
        if (s === 'busy') {
          out('RUN', { cluster: c.name, phase: 'end', at: Date.now(), startedAt, handedBack: true });
          void handBackTask(scheduler, collectionTaskId(c.name), logger);
          return;
        }
        const cl = s.clusters[0];
        out('RUN', { cluster: c.name, phase: 'end', at: Date.now(), startedAt, ok: cl.ok, error: cl.error, bytes: cl.bytesRead, objects: cl.objects, entities: s.entities });
      } catch (e) {
        out('RUN', { cluster: c.name, phase: 'end', at: Date.now(), startedAt, ok: false, error: String(e?.message ?? e) });
        throw e;
      }
    },
  });
}

const allow = async reqs => reqs.map(() => ({ result: 'ALLOW' }));
const router = await createRouter({
  store,
  httpAuth: { credentials: async () => credentials },
  permissions: { authorize: allow, authorizeConditional: allow },
  logger,
  checks: () => node.effectiveChecks(checks, config.engine).map(c => c.meta),
  triggerRefresh: async () => {},
});
const app = express();
// what Backstage's rootHttpRouter puts in front of every plugin's routes: responses are gzipped for
// clients that accept it (a browser, the Backstage frontend), unless a route sent them encoded already
app.use(MiddlewareFactory.create({ config: new ConfigReader({}), logger }).compression());
app.use('/api/posture', router);
app.use((err, _req, res, _next) => res.status(err?.name === 'NotFoundError' ? 404 : 500).json({ error: { name: err?.name } }));
const server = app.listen(0, '127.0.0.1', () => {
  process.stdout.write(`URL http://127.0.0.1:${server.address().port}/api/posture\n`);
});
process.stdin.resume();
const stop = () => process.exit(0);
process.stdin.on('end', stop);
process.stdin.on('close', stop);
