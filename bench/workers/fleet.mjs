// Figure 6: the fleet. Three backend replicas (separate processes, bench/workers/fleetReplica.mjs) on one
// PostgreSQL database share BENCH_FLEET_CLUSTERS Kubernetes API test servers (each its own process) of
// BENCH_FLEET_OBJECTS objects through the Backstage scheduler, one global task per cluster. Measures:
// runs per cluster per cycle and their split over the replicas; event-loop delay p99 and peak RSS per
// replica; GET /entities p99 under 100 clients while collection runs; bytes per cycle with and without
// metadata-only lists and gzip; and, in the second cycle, one replica SIGKILLed mid-run: who collects its
// clusters, how soon, and whether any history row is lost.
// The load comes from Node's http client in this process, which on a small machine takes a core from the
// replicas it measures, or with BENCH_FLEET_LOADGEN=wrk from wrk (bench/lib/wrkLoad.mjs), whose tails differ
// (docs/benchmarks.md, stop 33): not the default until that is understood.
//   node <TS_FLAGS> bench/workers/fleet.mjs
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { generateEntities } from '../generate.mjs';
import { backend, report } from '../lib/backend.mjs';
import { BENCH_DIR, ROOT, TS_FLAGS, backendRequire } from '../lib/env.mjs';
import { startServerWorker } from '../lib/http.mjs';
import { freshPgDatabase } from '../lib/pg.mjs';
import { startWrkLoad, wrkAvailable } from '../lib/wrkLoad.mjs';

const CLUSTERS = Number(process.env.BENCH_FLEET_CLUSTERS ?? 30);
const OBJECTS = Number(process.env.BENCH_FLEET_OBJECTS ?? 20_000);
// 3 for the fleet figure; 1 with one large cluster measures a single replica's event loop (no kill phase)
const REPLICAS = Number(process.env.BENCH_FLEET_REPLICAS ?? 3);
const CLIENTS = Number(process.env.BENCH_FLEET_CLIENTS ?? 100);
// the load's model. Unset: CLIENTS closed loops, each sending its next request as soon as the last is
// answered, which keeps the replica saturated (its latency is then CLIENTS / throughput, by Little's law).
// A number: an open loop at that many requests per second over up to CLIENTS connections, each request's
// latency counted from when it was due, so that a stall is counted for every request it delays
// (the open loop needs BENCH_FLEET_LOADGEN=node: wrk has none)
const RATE = process.env.BENCH_FLEET_RATE ? Number(process.env.BENCH_FLEET_RATE) : undefined;
// with one replica: seconds of load measured after the first cycle, while nothing collects
const IDLE_S = Number(process.env.BENCH_FLEET_IDLE_S ?? 20);
// with one replica, 1: also measure the load during the cluster's next scheduled run, when every entity is
// stored. During the first run every request is a 404 (nothing is saved until it ends), which costs less
// than a scorecard; this is the steady state's figure. Waits for the schedule (set a short frequency)
const SECOND_RUN = process.env.BENCH_FLEET_SECOND_RUN === '1';
// a file to write every request to, one line each: ms since the load started, latency ms, status, collecting
// (Node's client only: wrk reports a histogram per slice, not requests)
const TRACE = process.env.BENCH_FLEET_TRACE;
const trace = [];
// what sends the load: `wrk` (closed loops in slices, see bench/lib/wrkLoad.mjs; ~30 µs of CPU a request) or
// `node` (this process's http client, ~200 µs a request, on the replicas' cores unless REPLICA_CPUS keeps it
// off them). Unset: node. Against the same saturated server, wrk and Node's client measure different tails
// (wrk's p99 4× Node's on a server of 1 ms per request, where Little's law gives ~116 ms for every request):
// a closed loop at saturation measures the server's fairness between connections as each client drives them
const [LOADGEN, LOADGEN_WHY] = loadGenerator(process.env.BENCH_FLEET_LOADGEN);
// with wrk: seconds per slice. Every slice that spans a phase change (collecting, idle, neither) is dropped,
// and a slice never counts a request that outlasts it, so longer slices see more of a long tail
const SLICE_S = Number(process.env.BENCH_FLEET_SLICE_S ?? 2);
const FREQUENCY = Number(process.env.BENCH_FLEET_FREQUENCY_S ?? 90);
// what the load's clients send: a browser's Accept-Encoding by default, as the Backstage frontend's requests
// carry; BENCH_FLEET_ACCEPT_ENCODING= (empty) for clients that take plain bodies only
const ACCEPT_ENCODING = process.env.BENCH_FLEET_ACCEPT_ENCODING ?? 'gzip, deflate, br';
const TIMEOUT = Number(process.env.BENCH_FLEET_TIMEOUT_S ?? Math.floor(FREQUENCY / 2));
// each replica's posture.collectionMemoryMegabytes: what an operator would set for replicas meant to stay
// within the target's 1.5 GB, with room for a collection to exceed its cluster's last measured need;
// 0 leaves it unset (collections then bounded by count alone, two at a time)
const MEMORY_MB = Number(process.env.BENCH_FLEET_MEMORY_MB ?? 1400);
// each replica's posture.entityCacheMegabytes; unset, the default (64)
const ENTITY_CACHE_MB = process.env.BENCH_FLEET_ENTITY_CACHE_MB ? Number(process.env.BENCH_FLEET_ENTITY_CACHE_MB) : undefined;
// CPUs (taskset's list, e.g. `0`) for the replicas; this process, its test servers and the load's clients
// then keep to the others. Unset, everything shares every CPU: the clients' HTTP work, as costly as the
// replica's own, is then charged to the replica's latency, which users' browsers never are
const REPLICA_CPUS = process.env.BENCH_FLEET_REPLICA_CPUS;
if (REPLICA_CPUS) {
  const mine = cpuList(REPLICA_CPUS);
  const others = [...Array(os.cpus().length).keys()].filter(c => !mine.has(c));
  if (others.length === 0) throw new Error(`BENCH_FLEET_REPLICA_CPUS=${REPLICA_CPUS} leaves no CPU for the load`);
  // -a: every thread of this process; processes and threads started later inherit it
  execFileSync('taskset', ['-a', '-p', '-c', others.join(','), String(process.pid)], { stdio: 'ignore' });
}

/** taskset's CPU list (`0`, `0,2`, `1-3`) as a set of CPU numbers. */
function cpuList(list) {
  const cpus = new Set();
  for (const part of list.split(',')) {
    const [a, b = a] = part.split('-').map(Number);
    if (!Number.isInteger(a) || !Number.isInteger(b) || a > b) throw new Error(`not a CPU list: ${list}`);
    for (let c = a; c <= b; c++) cpus.add(c);
  }
  return cpus;
}

/** The load generator asked for, or the one that fits the run, and why. */
function loadGenerator(asked) {
  if (asked === 'node' || asked === 'wrk') {
    if (asked === 'wrk' && RATE !== undefined) throw new Error('BENCH_FLEET_RATE needs BENCH_FLEET_LOADGEN=node: wrk has no open loop');
    if (asked === 'wrk' && TRACE) throw new Error('BENCH_FLEET_TRACE needs BENCH_FLEET_LOADGEN=node: wrk traces no requests');
    if (asked === 'wrk' && !wrkAvailable()) throw new Error('BENCH_FLEET_LOADGEN=wrk but no wrk on PATH');
    return [asked, 'BENCH_FLEET_LOADGEN'];
  }
  if (asked) throw new Error(`BENCH_FLEET_LOADGEN=${asked}: wrk or node`);
  return ['node', 'the default (BENCH_FLEET_LOADGEN=wrk for wrk)'];
}
const log = m => process.stderr.write(`[fleet] ${m}\n`);
const sleep = ms => new Promise(r => setTimeout(r, ms));
const pushTo = (map, key, value) => (map.has(key) ? map.get(key).push(value) : map.set(key, [value]));
const p = (values, q) => {
  if (values.length === 0) return null;
  const v = Float64Array.from(values).sort();
  return v[Math.min(v.length - 1, Math.floor(q * v.length))];
};

function startReplica(name, fleetFile, dbUrl, migrate, state) {
  return new Promise((resolve, reject) => {
    // BENCH_FLEET_NODE_FLAGS: extra node flags for the replicas (e.g. --cpu-prof --cpu-prof-dir=...)
    const extra = (process.env.BENCH_FLEET_NODE_FLAGS ?? '').split(' ').filter(Boolean);
    const argv = [process.execPath, ...extra, ...TS_FLAGS, path.join(BENCH_DIR, 'workers/fleetReplica.mjs'), name, dbUrl, fleetFile, migrate ? '1' : '0'];
    const [cmd, ...args] = REPLICA_CPUS ? ['taskset', '-c', REPLICA_CPUS, ...argv] : argv;
    const child = spawn(cmd, args, {
      cwd: ROOT,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const r = { name, child, url: undefined, stats: {}, alive: true };
    let buf = '';
    child.stdout.on('data', d => {
      buf += d;
      let i;
      while ((i = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + 1);
        if (line.startsWith('URL ')) {
          r.url = line.slice(4).trim();
          resolve(r);
        } else if (line.startsWith('RUN ')) state.onRun(JSON.parse(line.slice(4)));
        else if (line.startsWith('STATS ')) r.stats = JSON.parse(line.slice(6));
      }
    });
    child.stderr.on('data', d => process.stderr.write(d));
    child.on('exit', code => {
      r.alive = false;
      if (!r.url) reject(new Error(`replica ${name} exited with ${code}`));
    });
  });
}

/**
 * GET /entities over keep-alive connections, round-robin over live replicas: CLIENTS closed loops, or an
 * open loop at RATE requests per second. Latencies go to `latencies` while a collection runs, and to
 * `idleLatencies` while `idle` is set.
 */
function startLoad(replicas, entityCount, isCollecting) {
  const latencies = [];
  const idleLatencies = [];
  const errors = { count: 0, codes: {} };
  let stop = false;
  const load = { latencies, idleLatencies, errors, idle: false, startedAt: performance.now() };
  const agent = new http.Agent({ keepAlive: true, maxSockets: CLIENTS });
  let k = 0;
  const one = (due = performance.now()) =>
    new Promise(resolve => {
      const live = replicas.filter(r => r.alive);
      const r = live[k++ % live.length];
      const url = `${r.url}/entities/component/default/svc-${Math.floor(Math.random() * entityCount)}`;
      const req = http.get(url, { agent, headers: ACCEPT_ENCODING ? { 'Accept-Encoding': ACCEPT_ENCODING } : {} }, res => {
        res.resume();
        res.on('end', () => {
          if (TRACE) trace.push([Math.round(due - load.startedAt), Math.round(performance.now() - due), res.statusCode, isCollecting() ? 1 : 0]);
          if (isCollecting()) latencies.push(performance.now() - due);
          else if (load.idle) idleLatencies.push(performance.now() - due);
          if (res.statusCode !== 200 && res.statusCode !== 404) {
            errors.count++;
            errors.codes[`HTTP ${res.statusCode}`] = (errors.codes[`HTTP ${res.statusCode}`] ?? 0) + 1;
          }
          resolve();
        });
      });
      req.on('error', e => {
        errors.count++;
        // what went wrong, by code (ECONNRESET, ECONNREFUSED from a killed replica...)
        const code = e?.code ?? e?.message ?? 'unknown';
        errors.codes[code] = (errors.codes[code] ?? 0) + 1;
        resolve();
      });
    });
  let loops;
  if (RATE === undefined) {
    loops = Array.from({ length: CLIENTS }, async () => {
      while (!stop) await one();
    });
  } else {
    // each request is due at startedAt + n / RATE; the agent queues those beyond CLIENTS connections
    loops = [
      (async () => {
        const pending = new Set();
        for (let n = 0; !stop; n++) {
          const due = load.startedAt + (n * 1000) / RATE;
          const wait = due - performance.now();
          if (wait > 1) await sleep(wait);
          const p = one(due).finally(() => pending.delete(p));
          pending.add(p);
        }
        await Promise.all(pending);
      })(),
    ];
  }
  load.stop = async () => {
    stop = true;
    await Promise.all(loops);
    agent.destroy();
    if (TRACE) fs.writeFileSync(TRACE, trace.map(t => t.join(' ')).join('\n'));
  };
  return load;
}

/**
 * Seconds the values from `from` on in `load[key]` were measured over: wrk's load keeps only whole slices of
 * one phase, so its rate is over those; the Node load measures all of `seconds`.
 */
const measuredSeconds = (load, key, from, seconds) =>
  load.slices ? load.slices.filter(s => s.to === key && s.from >= from).reduce((a, s) => a + s.seconds, 0) : seconds;

const latencySummary = (load, values, seconds) => ({
  model: RATE === undefined ? `${CLIENTS} closed loops` : `open loop at ${RATE}/s over up to ${CLIENTS} connections`,
  loadGenerator: LOADGEN,
  // over the whole run so far, every phase: slices kept, those dropped for spanning a phase change, and wrk
  // reports whose latencies did not match their request count (should stay 0: see wrkLoad's uncorrected)
  ...(load.slices
    ? { sliceSeconds: SLICE_S, slicesKeptInRun: load.slices.length, slicesDroppedInRun: load.droppedSlices, histogramMismatchesInRun: load.histogramMismatches }
    : {}),
  clients: CLIENTS,
  acceptEncoding: ACCEPT_ENCODING,
  replicaCpus: REPLICA_CPUS ?? 'all, shared with the load',
  requests: values.length,
  perSecond: seconds ? Math.round(values.length / seconds) : undefined,
  p50Ms: p(values, 0.5),
  p99Ms: p(values, 0.99),
  maxMs: p(values, 1),
  errors: load.errors.count,
  errorCodes: load.errors.codes,
});

/**
 * Bytes on the wire for one cycle over every cluster, in four ways: full lists or metadata-only Pod and
 * ReplicaSet lists, each without and with gzip (the test servers compress as the API server does). `full`
 * is what a cycle read before either; `metadataOnlyGzip` is what it reads now, by default.
 */
async function bytesPerCycle(servers) {
  const { KubernetesClusterSource } = backend();
  const out = {};
  for (const [key, metadataOnly, compression] of [
    ['full', false, false],
    ['metadataOnly', true, false],
    ['fullGzip', false, true],
    ['metadataOnlyGzip', true, true],
  ]) {
    let bytes = 0;
    for (const s of servers) {
      const source = new KubernetesClusterSource({
        type: 'kubernetes',
        name: s.name,
        url: s.url,
        skipTLSVerify: true,
        inCluster: false,
        timeoutMs: 600_000,
        pageSize: 500,
        metadataOnly,
        compression,
      });
      const snap = await source.collect(AbortSignal.timeout(600_000));
      bytes += snap.bytesRead;
    }
    out[key] = bytes;
  }
  return {
    ...out,
    // metadata-only lists alone, and what a cycle reads now against what it read before
    ratio: out.full / out.metadataOnly,
    ratioNow: out.full / out.metadataOnlyGzip,
  };
}

// what a run has started, so that a failed run (an exception anywhere in main) stops and removes it too
const started = { servers: [], replicas: [], load: undefined, db: undefined, fresh: undefined, dir: undefined };
let tornDown = false;
async function teardown() {
  if (tornDown) return;
  tornDown = true;
  const { servers, replicas, load, db, fresh, dir } = started;
  await load?.stop().catch(() => {});
  for (const r of replicas) if (r.alive) r.child.stdin.end();
  if (replicas.length) await sleep(1000);
  for (const r of replicas) if (r.alive) r.child.kill('SIGKILL');
  await db?.destroy().catch(() => {});
  await fresh?.drop().catch(e => log(`could not drop ${fresh.name}: ${e.message}`));
  await Promise.all(servers.map(s => s.stop().catch(() => {})));
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
}

async function main() {
  log(`${CLUSTERS} clusters × ${OBJECTS} objects, ${REPLICAS} replicas, every ${FREQUENCY}s (timeout ${TIMEOUT}s)`);
  const servers = started.servers;
  for (let c = 0; c < CLUSTERS; c++) {
    const s = await startServerWorker('workers/kubeServer.mjs', [String(OBJECTS), String(100 + c)], { label: `cluster-${c}` });
    servers.push({ ...s, name: `cluster-${c}` });
  }
  log('test servers up; measuring bytes per cycle with and without metadata-only lists');
  const bytes = await bytesPerCycle(servers);
  log(
    `bytes per cycle: full ${bytes.full}, metadata-only ${bytes.metadataOnly} (${bytes.ratio.toFixed(1)}×), full + gzip ${bytes.fullGzip}, ` +
      `metadata-only + gzip ${bytes.metadataOnlyGzip} (${bytes.ratioNow.toFixed(1)}×)`,
  );

  const knex = backendRequire('knex');
  const fresh = (started.fresh = await freshPgDatabase('posture_fleet'));
  const dbUrl = fresh.url;
  const db = (started.db = knex({ client: 'pg', connection: dbUrl, pool: { min: 0, max: 2 } }));
  const dir = (started.dir = fs.mkdtempSync(path.join(os.tmpdir(), 'posture-fleet-')));
  const entityCount = Math.ceil(OBJECTS / 6);
  fs.writeFileSync(path.join(dir, 'entities.json'), JSON.stringify(generateEntities(entityCount)));
  const fleetFile = path.join(dir, 'fleet.json');
  fs.writeFileSync(
    fleetFile,
    JSON.stringify({
      clusters: servers.map(s => ({ name: s.name, url: s.url })),
      frequencySeconds: FREQUENCY,
      timeoutSeconds: TIMEOUT,
      metadataOnly: true,
      collectionMemoryMegabytes: MEMORY_MB > 0 ? MEMORY_MB : undefined,
      entityCacheMegabytes: ENTITY_CACHE_MB,
      entitiesFile: path.join(dir, 'entities.json'),
    }),
  );

  const runs = [];
  // tasks a replica handed back to the scheduler without running them (full, or another was less loaded)
  const handBacks = [];
  const active = new Map();
  const state = {
    onRun(r) {
      if (r.phase === 'start') active.set(`${r.replica}/${r.cluster}`, r);
      else {
        active.delete(`${r.replica}/${r.cluster}`);
        (r.handedBack ? handBacks : runs).push(r);
      }
    },
  };
  const replicas = started.replicas;
  // cycle 1 counts from here: the first replica's tasks may fall due before the others are up
  const t0 = Date.now();
  // the first replica runs the migrations, so the others never race them
  replicas.push(await startReplica('r0', fleetFile, dbUrl, true, state));
  for (let i = 1; i < REPLICAS; i++) replicas.push(await startReplica(`r${i}`, fleetFile, dbUrl, false, state));
  log(`replicas up: ${replicas.map(r => r.url).join(', ')}`);
  log(`load generator: ${LOADGEN} (${LOADGEN_WHY})`);
  const isCollecting = () => active.size > 0;
  const load = (started.load =
    LOADGEN === 'wrk'
      ? startWrkLoad({ replicas, entityCount, clients: CLIENTS, acceptEncoding: ACCEPT_ENCODING, isCollecting, sliceSeconds: SLICE_S })
      : startLoad(replicas, entityCount, isCollecting));
  if (TRACE) log(`load started at ${Date.now()} (epoch ms; the trace's times count from here)`);

  const completed = since => new Set(runs.filter(r => r.ok && r.startedAt >= since).map(r => r.cluster));
  // cycle 1: every cluster once
  while (completed(t0).size < CLUSTERS) {
    if (Date.now() - t0 > (FREQUENCY + TIMEOUT) * 1000 * 3) throw new Error(`cycle 1 incomplete: ${completed(t0).size}/${CLUSTERS}`);
    await sleep(500);
  }
  const cycle1 = runs.filter(r => r.startedAt >= t0);
  log(`cycle 1 done in ${((Date.now() - t0) / 1000).toFixed(0)} s: ${cycle1.length} runs`);
  const historyBefore = Number((await db('posture_history').count({ n: '*' }))[0].n);

  if (REPLICAS < 2) {
    const collectingS = cycle1.reduce((a, r) => a + (r.at - r.startedAt), 0) / 1000;
    // the same load with nothing collecting: what the replica serves on its own
    const statsAfterCycle = replicas[0].stats;
    load.idle = true;
    await sleep(IDLE_S * 1000);
    load.idle = false;
    let secondRun;
    if (SECOND_RUN) {
      const from = load.latencies.length;
      const since = Date.now();
      while (!runs.some(r => r.startedAt >= since)) {
        if (Date.now() - since > (FREQUENCY + TIMEOUT) * 1000) throw new Error('no second run within an interval');
        await sleep(500);
      }
      const run2 = runs.find(r => r.startedAt >= since);
      const stats2 = replicas[0].stats;
      secondRun = {
        ok: run2.ok,
        durationMs: run2.at - run2.startedAt,
        entitiesGet: latencySummary(load, load.latencies.slice(from), measuredSeconds(load, 'latencies', from, (run2.at - run2.startedAt) / 1000)),
        // the replica's figures from its first run's start to the end of this one (cumulative)
        eldP99MsSoFar: stats2.eldP99Ms,
        eldMaxMsSoFar: stats2.eldMaxMs,
        peakRssMbSoFar: stats2.peakRssMb,
      };
    }
    await load.stop();
    const stats = statsAfterCycle;
    const result = {
      clusters: CLUSTERS,
      objectsPerCluster: OBJECTS,
      entities: entityCount,
      bytesPerCycle: bytes,
      cycle1: { runs: cycle1.length, failed: cycle1.filter(r => !r.ok).length, durationsMs: { p50: p(cycle1.map(r => r.at - r.startedAt), 0.5), max: p(cycle1.map(r => r.at - r.startedAt), 1) } },
      replicas: [{ replica: 'r0', eldP99Ms: stats.eldP99Ms, eldMaxMs: stats.eldMaxMs, peakRssMb: stats.peakRssMb }],
      entitiesGet: latencySummary(load, load.latencies, measuredSeconds(load, 'latencies', 0, collectingS)),
      entitiesGetIdle: latencySummary(load, load.idleLatencies, measuredSeconds(load, 'idleLatencies', 0, IDLE_S)),
      ...(secondRun ? { secondRun } : {}),
    };
    await teardown();
    report(result);
    return;
  }

  // cycle 2: kill the replica that is collecting, mid-run (any of them: r0 has no role once migrated, and
  // at small sizes it may run all of cycle 2)
  const t1 = cycle1.reduce((m, r) => Math.max(m, r.startedAt), 0) + 1;
  let victim;
  let killedRun;
  while (!victim) {
    for (const [, r] of active) {
      if (r.at > t1) {
        victim = replicas.find(x => x.name === r.replica);
        killedRun = r;
        break;
      }
    }
    if (Date.now() - t1 > (FREQUENCY + TIMEOUT) * 2000) throw new Error('no run in cycle 2 to kill');
    await sleep(50);
  }
  await sleep(300);
  const killedAt = Date.now();
  victim.child.kill('SIGKILL');
  const victimStats = victim.stats;
  log(`SIGKILLed ${victim.name} while it collected ${killedRun.cluster}`);
  while (completed(killedAt).size < CLUSTERS) {
    if (Date.now() - killedAt > (FREQUENCY + TIMEOUT) * 1000 * 2) break;
    await sleep(500);
  }
  const recovered = runs.find(r => r.ok && r.cluster === killedRun.cluster && r.startedAt >= killedAt);
  // a cluster skipped a cycle over the kill when a whole interval went by after it was next due with no good
  // run started: its first good start after the kill two intervals or more after its last good start before
  const skippedAfterKill = [];
  for (let i = 0; i < CLUSTERS; i++) {
    const cluster = servers[i].name;
    const before = runs.filter(r => r.ok && r.cluster === cluster && r.startedAt < killedAt).at(-1);
    const after = runs.find(r => r.ok && r.cluster === cluster && r.startedAt >= killedAt);
    if (!before || !after || after.startedAt - before.startedAt >= 2 * FREQUENCY * 1000) skippedAfterKill.push(cluster);
  }
  await load.stop();
  const historyAfter = Number((await db('posture_history').count({ n: '*' }))[0].n);

  const perReplica = replicas.map(r => {
    const stats = r === victim ? victimStats : r.stats;
    const mine = cycle1.filter(x => x.replica === r.name);
    return {
      replica: r.name,
      cycle1Runs: mine.length,
      cycle1Objects: mine.reduce((a, x) => a + (x.objects ?? 0), 0),
      cycle1HandBacks: handBacks.filter(x => x.replica === r.name && x.startedAt >= t0 && x.startedAt < t1).length,
      eldP99Ms: stats.eldP99Ms,
      eldMaxMs: stats.eldMaxMs,
      peakRssMb: stats.peakRssMb,
      killed: r === victim,
    };
  });
  // the tasks are staggered over one interval, so cycle 1 (until every cluster has run) is longer than an
  // interval and holds the first clusters' second runs, one interval after their first. A cluster counts as
  // collected exactly once per interval when its first run succeeded and no two of its runs started less
  // than half an interval apart (a scheduler start is late by a poll at most, never early)
  const byCluster = new Map();
  for (const r of runs) if (r.startedAt >= t0 && r.startedAt < t1) pushTo(byCluster, r.cluster, r);
  let collectedOnce = 0;
  for (const list of byCluster.values()) {
    list.sort((a, b) => a.startedAt - b.startedAt);
    const spaced = list.every((r, i) => i === 0 || r.startedAt - list[i - 1].startedAt >= (FREQUENCY * 1000) / 2);
    if (list[0].ok && spaced) collectedOnce++;
  }
  const result = {
    clusters: CLUSTERS,
    objectsPerCluster: OBJECTS,
    entities: entityCount,
    frequencySeconds: FREQUENCY,
    timeoutSeconds: TIMEOUT,
    collectionMemoryMegabytes: MEMORY_MB > 0 ? MEMORY_MB : null,
    bytesPerCycle: bytes,
    cycle1: {
      runs: cycle1.length,
      failed: cycle1.filter(r => !r.ok).length,
      clustersCollectedOnce: collectedOnce,
      handBacks: handBacks.filter(x => x.startedAt >= t0 && x.startedAt < t1).length,
      durationsMs: { p50: p(cycle1.map(r => r.at - r.startedAt), 0.5), max: p(cycle1.map(r => r.at - r.startedAt), 1) },
    },
    replicas: perReplica,
    // every run and hand-back, seconds from the first replica's start, for reading the split afterwards
    runs: [...runs, ...handBacks]
      .map(r => ({ replica: r.replica, cluster: r.cluster, startS: (r.startedAt - t0) / 1000, endS: (r.at - t0) / 1000, ok: r.ok ?? null, handedBack: Boolean(r.handedBack) }))
      .sort((a, b) => a.startS - b.startS),
    entitiesGet: latencySummary(load, load.latencies),
    kill: {
      replica: victim.name,
      cluster: killedRun.cluster,
      recoveredBy: recovered?.replica ?? null,
      recoveredAfterS: recovered ? (recovered.at - killedAt) / 1000 : null,
      allClustersCollectedAfterKill: completed(killedAt).size,
      skippedCyclesAfterKill: skippedAfterKill.length,
      clustersThatSkipped: skippedAfterKill,
      historyRowsBefore: historyBefore,
      historyRowsAfter: historyAfter,
    },
  };
  await teardown();
  report(result);
}

main().catch(async e => {
  process.stderr.write(`${e.stack ?? e}\n`);
  await teardown().catch(() => {});
  process.exit(1);
});
