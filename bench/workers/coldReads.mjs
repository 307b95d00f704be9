// Reads every entity once through a cold read cache, 100 at a time, as a replica does after a save emptied
// it: what each cache miss costs the replica (wall time, event-loop busy time and CPU per read), on
// PostgreSQL. Each round is a fresh PostureStore, so every read misses.
//   node <TS_FLAGS> bench/workers/coldReads.mjs
// BENCH_COLD_ENTITIES (default 3,334), BENCH_COLD_RESULTS (60 per entity and cluster), BENCH_COLD_ROUNDS (5),
// BENCH_COLD_CLUSTERS (1: clusters per entity; 30 is the fleet's worst case, ~0.6 MB per scorecard).
// BENCH_COLD_AFTER_SAVE=1: each round reads every entity once to fill the cache, then saves one cluster's
// run again (a new collection time), and measures the reads after it: what a fleet replica pays after each
// save of another cluster, when it keeps the scorecards of the data version before.
// Run with node --expose-gc to have each round report the memory kept after its reads.
import { monitorEventLoopDelay } from 'node:perf_hooks';
import zlib from 'node:zlib';
import { backendRequire } from '../lib/env.mjs';
import { report } from '../lib/backend.mjs';
import { freshPgDatabase } from '../lib/pg.mjs';

const ENTITIES = Number(process.env.BENCH_COLD_ENTITIES ?? 3334);
const RESULTS = Number(process.env.BENCH_COLD_RESULTS ?? 60);
const ROUNDS = Number(process.env.BENCH_COLD_ROUNDS ?? 5);
const AFTER_SAVE = process.env.BENCH_COLD_AFTER_SAVE === '1';
const CLUSTERS = Array.from({ length: Number(process.env.BENCH_COLD_CLUSTERS ?? 1) }, (_, i) => `c${i + 1}`);
const log = m => process.stderr.write(`[cold] ${m}\n`);

const knex = backendRequire('knex');
const { PostureStore } = backendRequire('./src/store');
const { scoreResults } = backendRequire('@posture-dev/backstage-plugin-posture-common');

function entity(e, at, cluster) {
  const subject = { apiVersion: 'apps/v1', kind: 'Deployment', namespace: `ns-${e % 50}`, name: `svc-${e}` };
  const results = Array.from({ length: RESULTS }, (_, i) => {
    const fail = (i + e) % 6 === 0;
    return {
      checkId: `check-${i}`,
      status: fail ? 'fail' : i % 5 === 0 ? 'not-applicable' : 'pass',
      severity: ['critical', 'high', 'medium', 'low'][i % 4],
      pillar: i % 2 ? 'security' : 'scalability',
      message: fail ? `container app of svc-${e} does not set field ${i}` : `check ${i} passes`,
      subject,
      evidence: fail ? [{ path: `spec.template.spec.containers[0].field${i}`, container: 'app' }] : [],
      cluster,
    };
  });
  const card = scoreResults(results, {});
  return {
    entityRef: `component:default/svc-${e}`,
    kind: 'Component', namespace: 'default', name: `svc-${e}`, title: null,
    owner: `group:default/team-${e % 40}`, system: null, lifecycle: 'production',
    match: { kubernetesId: `svc-${e}`, labelSelector: null, namespace: null, clusters: CLUSTERS },
    state: 'scored', combined: card,
    clusters: [{ cluster, collectedAt: at, stale: false, error: null, workloads: [subject], scorecard: card }],
    results, updatedAt: at, lastChangedAt: null,
  };
}

const db = await freshPgDatabase('posture_bench_cold');
const client = knex({ client: 'pg', connection: db.url, pool: { min: 0, max: 8 } });
try {
  const first = await PostureStore.fromKnex(client, {});
  // one cluster's run, as each cluster's task saves its own; every entity is in every cluster
  const save = async cluster => {
    const at = new Date().toISOString();
    await first.saveRun({
      startedAt: at, finishedAt: at, entities: Array.from({ length: ENTITIES }, (_, e) => entity(e, at, cluster)),
      clusterStatuses: [{ name: cluster, type: 'kubernetes', collectedAt: at, lastAttemptAt: at, durationMs: 1, objectCounts: {}, error: null, stale: false }],
    });
  };
  for (const cluster of CLUSTERS) await save(cluster);
  log(`saved ${ENTITIES} entities in ${CLUSTERS.length} clusters`);
  const readAll = async (store, check) => {
    let bytes = 0;
    for (let i = 0; i < ENTITIES; i += 100) {
      await Promise.all(
        Array.from({ length: Math.min(100, ENTITIES - i) }, async (_, k) => {
          const body = await store.getEntityJson(`component:default/svc-${i + k}`);
          // as the router serves a client that takes gzip
          const gzipped = await body.gzip();
          bytes += gzipped.length;
          // every read has its own entity's scorecard. The ref is the body's first field: only the start
          // is inflated, which costs the bench next to nothing (a whole 0.6 MB body took ~1.5 ms a read)
          const start = zlib.gunzipSync(gzipped.subarray(0, 256), { finishFlush: zlib.constants.Z_SYNC_FLUSH });
          if (check && !start.toString('utf8').startsWith(`{"entityRef":"component:default/svc-${i + k}"`)) {
            throw new Error(`the read of svc-${i + k} did not get its own scorecard`);
          }
        }),
      );
    }
    return bytes;
  };
  const rounds = [];
  for (let r = 0; r < ROUNDS; r++) {
    const store = await PostureStore.fromKnex(client, { skipMigrations: true, versionTtlMs: 0 });
    if (AFTER_SAVE) {
      await readAll(store, false);
      await save(CLUSTERS[r % CLUSTERS.length]);
    }
    const eld = monitorEventLoopDelay({ resolution: 1 });
    eld.enable();
    const cpu0 = process.cpuUsage();
    const loop0 = performance.eventLoopUtilization();
    const t0 = performance.now();
    const bytes = await readAll(store, true);
    const ms = performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    const loop = performance.eventLoopUtilization(loop0);
    eld.disable();
    // what the store keeps after the reads (its caches), once garbage is collected: with --expose-gc
    globalThis.gc?.();
    const mem = process.memoryUsage();
    rounds.push({
      wallUsPerRead: (ms * 1000) / ENTITIES,
      loopUsPerRead: (loop.active * 1000) / ENTITIES,
      cpuUsPerRead: (cpu.user + cpu.system) / ENTITIES,
      gzippedBytes: bytes / ENTITIES,
      // the longest the event loop was held: what a request arriving meanwhile would wait
      eldMaxMs: eld.max / 1e6,
      ...(globalThis.gc ? { heapUsedMb: mem.heapUsed / 2 ** 20, arrayBuffersMb: mem.arrayBuffers / 2 ** 20, rssMb: mem.rss / 2 ** 20 } : {}),
    });
    log(`round ${r + 1}: ${JSON.stringify(rounds.at(-1), (k, v) => (typeof v === 'number' ? Math.round(v) : v))}`);
  }
  report({ entities: ENTITIES, clusters: CLUSTERS.length, results: RESULTS, afterSave: AFTER_SAVE, rounds });
} finally {
  await client.destroy();
  await db.drop();
}
