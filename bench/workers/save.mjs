// How long one cluster's run takes to save when its entities are in many clusters (the fleet
// bench's worst case: every entity in every cluster), on PostgreSQL: saves of the fleet's clusters
// one after another, then one re-save alone, then saves of several clusters at once.
//   node <TS_FLAGS> bench/workers/save.mjs
// BENCH_SAVE_ENTITIES (default 3,334), BENCH_SAVE_CLUSTERS (30), BENCH_SAVE_RESULTS (60 per entity
// and cluster), BENCH_SAVE_PARALLEL (3), BENCH_SAVE_SPARSE (1: each entity has workloads in every other
// cluster only, and the runs of the rest find none of them, as for services deployed to some clusters),
// BENCH_SAVE_UNANNOTATED (0: catalog entities without Kubernetes annotations, which every run also saves).
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { backendRequire } from '../lib/env.mjs';
import { report } from '../lib/backend.mjs';
import { PG_URL, freshPgDatabase } from '../lib/pg.mjs';

const ENTITIES = Number(process.env.BENCH_SAVE_ENTITIES ?? 3334);
const CLUSTERS = Number(process.env.BENCH_SAVE_CLUSTERS ?? 30);
const RESULTS = Number(process.env.BENCH_SAVE_RESULTS ?? 60);
const PARALLEL = Number(process.env.BENCH_SAVE_PARALLEL ?? 3);
const SPARSE = process.env.BENCH_SAVE_SPARSE === '1';
const UNANNOTATED = Number(process.env.BENCH_SAVE_UNANNOTATED ?? 0);
const log = m => process.stderr.write(`[save] ${m}\n`);

const knex = backendRequire('knex');
const { PostureStore } = backendRequire('./src/store');
const { scoreResults } = backendRequire('@posture-dev/backstage-plugin-posture-common');

const SEVERITIES = ['critical', 'high', 'medium', 'low'];
const clusterName = c => `cluster-${String(c).padStart(2, '0')}`;
const CLUSTER_NAMES = Array.from({ length: CLUSTERS }, (_, c) => clusterName(c));
const pssLevelOf = id => (id === 'check-0' ? 'baseline' : id === 'check-1' ? 'restricted' : undefined);
const scoring = { pssLevelOf };

function resultsFor(e, cluster, round) {
  const out = [];
  const subject = { apiVersion: 'apps/v1', kind: 'Deployment', namespace: `ns-${e % 50}`, name: `svc-${e}` };
  for (let i = 0; i < RESULTS; i++) {
    // about one in six fails, and which ones shifts between rounds so that rows change
    const fail = (i + e + round) % 6 === 0;
    out.push({
      checkId: `check-${i}`,
      status: fail ? 'fail' : i % 5 === 0 ? 'not-applicable' : 'pass',
      severity: SEVERITIES[i % 4],
      pillar: i % 2 ? 'security' : 'scalability',
      message: fail ? `container app of svc-${e} does not set field ${i}` : `check ${i} passes`,
      subject,
      evidence: fail ? [{ path: `spec.template.spec.containers[0].field${i}`, container: 'app' }] : [],
      cluster,
    });
  }
  return out;
}

/** A catalog entity's own fields, as the refresher reads them. */
function catalogFields(name, e) {
  return {
    entityRef: `component:default/${name}`,
    kind: 'Component',
    namespace: 'default',
    name,
    title: null,
    owner: `group:default/team-${e % 40}`,
    system: null,
    lifecycle: 'production',
  };
}

function runInput(cluster, round, at) {
  const entities = [];
  for (let e = 0; e < ENTITIES; e++) {
    const here = !SPARSE || (e + CLUSTER_NAMES.indexOf(cluster)) % 2 === 0;
    const results = here ? resultsFor(e, cluster, round) : [];
    const card = here ? scoreResults(results, scoring) : null;
    entities.push({
      ...catalogFields(`svc-${e}`, e),
      // as the refresher maps it: every configured cluster, whichever one this run collected
      match: { kubernetesId: `svc-${e}`, labelSelector: null, namespace: null, clusters: CLUSTER_NAMES },
      state: here ? 'scored' : 'no-workloads',
      combined: card,
      clusters: here ? [{
        cluster,
        collectedAt: at,
        stale: false,
        error: null,
        workloads: [{ apiVersion: 'apps/v1', kind: 'Deployment', namespace: `ns-${e % 50}`, name: `svc-${e}` }],
        scorecard: card,
      }] : [],
      results,
      updatedAt: at,
      lastChangedAt: null,
    });
  }
  for (let e = 0; e < UNANNOTATED; e++) {
    entities.push({
      ...catalogFields(`lib-${e}`, e),
      match: { kubernetesId: null, labelSelector: null, namespace: null, clusters: CLUSTER_NAMES },
      state: 'no-annotations',
      combined: null,
      clusters: [],
      results: [],
      updatedAt: at,
      lastChangedAt: null,
    });
  }
  return {
    startedAt: at,
    finishedAt: at,
    clusterStatuses: [{ name: cluster, type: 'kubernetes', collectedAt: at, lastAttemptAt: at, durationMs: 1, objectCounts: {}, error: null, stale: false }],
    entities,
    scoring,
  };
}

/** The next of this bench's messages of a type (the TypeScript transform sends messages of its own). */
function benchMessage(from, type) {
  return new Promise(resolve => {
    const on = m => {
      if (m?.bench !== type) return;
      from.off('message', on);
      resolve(m);
    };
    from.on('message', on);
  });
}

if (process.env.BENCH_SAVE_CHILD) {
  // one replica's save: built, then started when the parent says so, so that all start together
  const { db: dbName, cluster, round, at } = JSON.parse(process.env.BENCH_SAVE_CHILD);
  const db = knex({ client: 'pg', connection: `${PG_URL}/${dbName}`, pool: { min: 0, max: 10 } });
  const store = await PostureStore.fromKnex(db, { skipMigrations: true });
  const input = runInput(cluster, round, at);
  process.send({ bench: 'ready' });
  await benchMessage(process, 'go');
  const s = performance.now();
  await store.saveRun(input);
  process.send({ bench: 'saved', ms: performance.now() - s });
  await db.destroy();
  process.exit(0);
}

const fresh = await freshPgDatabase('posture_bench_save');
const name = fresh.name;
const db = knex({ client: 'pg', connection: fresh.url, pool: { min: 0, max: 10 } });
try {
  const store = await PostureStore.fromKnex(db);
  let t = Date.parse('2026-01-01T00:00:00Z');
  const at = () => new Date((t += 60_000)).toISOString();
  const fill = [];
  for (let c = 0; c < CLUSTERS; c++) {
    const input = runInput(clusterName(c), 0, at());
    const s = performance.now();
    await store.saveRun(input);
    fill.push(performance.now() - s);
  }
  log(`fill: ${fill.map(ms => Math.round(ms)).join(' ')} ms`);
  const alone = [];
  for (let r = 1; r <= 3; r++) {
    const input = runInput(clusterName(r), r, at());
    const s = performance.now();
    await store.saveRun(input);
    alone.push(performance.now() - s);
  }
  log(`alone: ${alone.map(ms => Math.round(ms)).join(' ')} ms`);
  // the steady state: clusters whose results have not changed since they were saved
  const unchanged = [];
  for (let r = 1; r <= 3; r++) {
    const input = runInput(clusterName(r + 10), 0, at());
    const s = performance.now();
    await store.saveRun(input);
    unchanged.push(performance.now() - s);
  }
  log(`unchanged: ${unchanged.map(ms => Math.round(ms)).join(' ')} ms`);
  // each save in its own process, as replicas would: what they share is the database and its locks
  const children = [];
  for (let p = 0; p < PARALLEL; p++) {
    const child = fork(fileURLToPath(import.meta.url), [], {
      env: { ...process.env, BENCH_SAVE_CHILD: JSON.stringify({ db: name, cluster: clusterName(p + 5), round: 9, at: at() }) },
    });
    children.push({ child, ready: benchMessage(child, 'ready') });
  }
  await Promise.all(children.map(c => c.ready));
  const s = performance.now();
  const each = await Promise.all(
    children.map(({ child }) => {
      const done = benchMessage(child, 'saved');
      child.send({ bench: 'go' });
      return done.then(m => ({ ms: m.ms, endMs: performance.now() - s }));
    }),
  );
  const wall = performance.now() - s;
  log(`parallel ${PARALLEL} (separate processes): wall ${Math.round(wall)} ms, each ${each.map(e => Math.round(e.ms)).join(' ')} ms`);
  report({ entities: ENTITIES, clusters: CLUSTERS, resultsPerRow: RESULTS, sparse: SPARSE, unannotated: UNANNOTATED, fillMs: fill, aloneMs: alone, unchangedMs: unchanged, parallelWallMs: wall, parallelEachMs: each.map(e => e.ms) });
} finally {
  await db.destroy();
  await fresh.drop();
}
