// The backend the latency figures and the load test hit: a minimal express app mounting the real
// Posture router (createRouter) over a real PostureStore. The store is filled by the real
// PostureRefresher (collection from three Kubernetes API test servers, the engine, catalog mapping,
// saveRun) for 5,000 catalog entities, run twice so that entities have history. Permissions allow
// everything and httpAuth returns a fixed user: the point is what the router and the store cost.
// Prints `URL <base>`; stops when stdin closes.
//   node <TS_FLAGS> bench/workers/apiServer.mjs sqlite|pg [entities]
import express from 'express';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { generateCluster, generateEntities, loadCorpus } from '../generate.mjs';
import { backend, sourceFor } from '../lib/backend.mjs';
import { backendRequire } from '../lib/env.mjs';
import { freshPgDatabase } from '../lib/pg.mjs';
const CLUSTERS = 3;

const log = msg => process.stderr.write(`[api-server] ${msg}\n`);

async function openDatabase(kind) {
  const knex = backendRequire('knex');
  if (kind === 'sqlite') {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'posture-bench-'));
    const db = knex({
      client: 'better-sqlite3',
      connection: { filename: path.join(dir, 'posture.sqlite') },
      useNullAsDefault: true,
    });
    return {
      db,
      drop: async () => fs.rmSync(dir, { recursive: true, force: true }),
    };
  }
  // a fresh database per run, dropped afterwards
  const fresh = await freshPgDatabase('posture_bench');
  const db = knex({ client: 'pg', connection: fresh.url });
  return { db, drop: fresh.drop };
}

const allow = async reqs => reqs.map(() => ({ result: 'ALLOW' }));
const credentials = {
  $$type: '@backstage/BackstageCredentials',
  principal: { type: 'user', userEntityRef: 'user:default/bench' },
};
const logger = {
  info() {},
  warn: m => log(`warn: ${m}`),
  error: m => log(`error: ${m}`),
  debug() {},
  child() {
    return logger;
  },
};

async function fill(store, entitiesCount, checks, config) {
  const { testUtils, KubernetesClusterSource } = backend();
  const { PostureRefresher } = backendRequire('./src/refresher');
  const corpus = loadCorpus();
  const entities = generateEntities(entitiesCount);
  // services spread over three clusters; every tenth service runs in all of them
  const servers = [];
  for (let c = 0; c < CLUSTERS; c++) {
    const objects = [];
    for (let i = 0; i < entitiesCount; i++) {
      if (i % CLUSTERS === c || i % 10 === 0) {
        objects.push(
          ...generateCluster({
            services: 1,
            first: i,
            seed: 1000 * c + i,
            corpus,
          }).objects,
        );
      }
    }
    servers.push(
      await testUtils.startKubeApiTestServer({ name: `cluster-${c}`, objects }),
    );
  }
  const refresher = new PostureRefresher({
    sources: servers.map(s => sourceFor(KubernetesClusterSource, s)),
    store,
    catalog: { getEntities: async () => ({ items: entities }) },
    auth: { getOwnServiceCredentials: async () => credentials },
    logger,
    config,
    checks,
    onRegressions: async () => {},
  });
  let t = Date.now();
  const first = await refresher.run();
  log(
    `run 1: ${first.entities} entities, ${first.clusters
      .map(c => `${c.name} ${c.objects} objects`)
      .join(', ')} (${Date.now() - t} ms)`,
  );
  // a second run with some workloads changed gives entities history and changes
  const ns = objects =>
    objects.filter(o => o.kind === 'Deployment').slice(0, 400);
  for (const s of servers) {
    const changed = ns(s.objects()).map(o => ({
      ...o,
      spec: { ...o.spec, replicas: (o.spec?.replicas ?? 1) === 1 ? 3 : 1 },
    }));
    s.addObjects(changed);
  }
  t = Date.now();
  const second = await refresher.run();
  log(`run 2: ${second.changed} entities changed (${Date.now() - t} ms)`);
  await Promise.all(servers.map(s => s.close()));
}

async function main() {
  const [kind = 'sqlite', count = '5000'] = process.argv.slice(2);
  const { node } = backend();
  const { PostureStore } = backendRequire('./src/store');
  const { createRouter } = backendRequire('./src/service/router');
  const { readPostureConfig } = backendRequire('./src/config');
  const { ConfigReader } = backendRequire('@backstage/config');
  const config = readPostureConfig(
    new ConfigReader({ posture: { useKubernetesClusters: false } }),
  );
  const checks = node.builtInChecks;

  const { db, drop } = await openDatabase(kind);
  const store = await PostureStore.fromKnex(db, {
    checks: checks.map(c => c.meta),
  });
  await fill(store, Number(count), checks, config);

  const router = await createRouter({
    store,
    httpAuth: { credentials: async () => credentials },
    permissions: { authorize: allow, authorizeConditional: allow },
    logger,
    checks: () => node.effectiveChecks(checks, config.engine).map(c => c.meta),
    triggerRefresh: async () => {},
  });
  // BENCH_CPU_PROFILE=<dir>: profile the serving phase only (not the fill), written when the worker stops
  let session;
  if (process.env.BENCH_CPU_PROFILE) {
    const { Session } = await import('node:inspector/promises');
    session = new Session();
    session.connect();
    await session.post('Profiler.enable');
    await session.post('Profiler.start');
  }
  const app = express();
  app.use('/api/posture', router);
  // the status codes Backstage's error middleware gives these errors
  const STATUS = {
    InputError: 400,
    NotAllowedError: 403,
    NotFoundError: 404,
    ConflictError: 409,
  };
  app.use((err, _req, res, _next) => {
    res
      .status(STATUS[err?.name] ?? 500)
      .json({ error: { name: err?.name, message: err?.message } });
    // requests still queued when the worker stops fail as the pool closes; those are not findings
    if (!STATUS[err?.name] && !stopping) log(`500: ${err?.stack ?? err}`);
  });
  const server = app.listen(0, '127.0.0.1', () => {
    process.stdout.write(
      `URL http://127.0.0.1:${server.address().port}/api/posture\n`,
    );
  });
  server.keepAliveTimeout = 65_000;
  let stopping = false;
  const stop = async () => {
    // answer what is still queued (autocannon stops without waiting) before the database goes away
    await new Promise(resolve => {
      server.close(resolve);
      server.closeIdleConnections();
      setTimeout(resolve, 20_000).unref();
    });
    stopping = true;
    if (session) {
      const { profile } = await session.post('Profiler.stop');
      fs.mkdirSync(process.env.BENCH_CPU_PROFILE, { recursive: true });
      const file = path.join(
        process.env.BENCH_CPU_PROFILE,
        `api-${kind}-${Date.now()}.cpuprofile`,
      );
      fs.writeFileSync(file, JSON.stringify(profile));
      log(`CPU profile: ${file}`);
    }
    await db.destroy();
    await drop();
    process.exit(0);
  };
  process.stdin.resume();
  process.stdin.on('end', stop);
}

main().catch(e => {
  console.error(e);
  process.exit(1);
});
