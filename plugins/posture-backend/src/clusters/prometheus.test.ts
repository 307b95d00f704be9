import { ChildProcess, execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import {
  K8sObject,
  builtInChecks,
  evaluate,
  parseManifests,
  resolveEngineConfig,
} from '@posture-dev/backstage-plugin-posture-node';
import { PrometheusClient, QUERY_COUNT, buildQueries, readPrometheusUsage } from './prometheus';
import { PrometheusConfig } from './prometheusConfig';
import { PrometheusUsageSource } from './usageSource';

/**
 * Runs a real Prometheus (Debian's `prometheus` package, which ships
 * `promtool`) on a free port, with a four-hour history backfilled from a
 * generated OpenMetrics file, and reads usage through it. No mock.
 */

const run = promisify(execFile);

function onPath(bin: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    const p = path.join(dir, bin);
    if (fs.existsSync(p)) return p;
  }
  return undefined;
}

const PROMETHEUS = onPath('prometheus');
const PROMTOOL = onPath('promtool');
const available = Boolean(PROMETHEUS && PROMTOOL);
if (!available) {
  // eslint-disable-next-line no-console
  console.warn('Skipping the Prometheus tests: `prometheus` and `promtool` are not installed (apt-get install prometheus)');
}

const MINUTE = 60;
const WINDOW = 4 * 3600;

/**
 * The generated history: `end` is the query time. Cluster `a` is the one
 * scored; cluster `b` has the same names with huge numbers, to prove the
 * cluster label filters. Pod `web-6d9f7b8c5-x1` belongs to a ReplicaSet the
 * snapshot no longer holds (its Deployment's name is recovered).
 */
export function history(end: number): string {
  const start = end - WINDOW;
  const times: number[] = [];
  for (let t = start; t <= end; t += MINUTE) times.push(t);
  const lines: string[] = [];
  const family = (name: string, type: 'gauge' | 'counter', series: { labels: string; value: (t: number, i: number) => number }[]) => {
    lines.push(`# TYPE ${name} ${type}`);
    const sample = type === 'counter' ? `${name}_total` : name;
    for (const s of series) for (let i = 0; i < times.length; i++) lines.push(`${sample}{${s.labels}} ${s.value(times[i], i)} ${times[i]}`);
  };
  const pods = [
    { cluster: 'a', ns: 'shop', pod: 'web-6d9f7b8c5-x1', kind: 'ReplicaSet', owner: 'web-6d9f7b8c5', container: 'app', cpu: 0.05, memory: 950 * 2 ** 20, up: () => 1 },
    { cluster: 'a', ns: 'shop', pod: 'web-6d9f7b8c5-x2', kind: 'ReplicaSet', owner: 'web-6d9f7b8c5', container: 'app', cpu: 0.08, memory: 900 * 2 ** 20, up: () => 1 },
    // down for the first hour of the four: up 75 % of the window
    { cluster: 'a', ns: 'shop', pod: 'db-0', kind: 'StatefulSet', owner: 'db', container: 'postgres', cpu: 0.9, memory: 300 * 2 ** 20, up: (i: number) => (i < 60 ? 0 : 1) },
    { cluster: 'b', ns: 'shop', pod: 'web-6d9f7b8c5-x1', kind: 'ReplicaSet', owner: 'web-6d9f7b8c5', container: 'app', cpu: 7, memory: 64 * 2 ** 30, up: () => 1 },
  ];
  family('kube_pod_owner', 'gauge', pods.map(p => ({
    labels: `cluster="${p.cluster}",namespace="${p.ns}",pod="${p.pod}",owner_kind="${p.kind}",owner_name="${p.owner}",owner_is_controller="true"`,
    value: () => 1,
  })));
  // an OpenMetrics counter family is named without `_total`; its samples carry it
  family('container_cpu_usage_seconds', 'counter', pods.map(p => ({
    labels: `cluster="${p.cluster}",namespace="${p.ns}",pod="${p.pod}",container="${p.container}"`,
    // a steady rate with one 3-minute burst to 1.2 cores near the end: p95 stays low, max does not
    value: (_t: number, i: number) => {
      let total = 0;
      for (let k = 1; k <= i; k++) total += (k >= 200 && k < 203 ? 1.2 : p.cpu) * MINUTE;
      return Number(total.toFixed(3));
    },
  })));
  family('container_memory_working_set_bytes', 'gauge', pods.map(p => ({
    labels: `cluster="${p.cluster}",namespace="${p.ns}",pod="${p.pod}",container="${p.container}"`,
    value: () => p.memory,
  })));
  family('up', 'gauge', pods.map(p => ({
    labels: `cluster="${p.cluster}",job="pods",namespace="${p.ns}",pod="${p.pod}"`,
    value: (_t: number, i: number) => p.up(i),
  })));
  lines.push('# EOF');
  return `${lines.join('\n')}\n`;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

const MANIFESTS = `
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}, annotations: {prometheus.io/scrape: "true"}}
    spec:
      containers:
        - {name: app, image: shop/web:1.0, resources: {requests: {cpu: "2", memory: 512Mi}, limits: {memory: 1Gi}}}
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: web, namespace: shop}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
  minReplicas: 2
  maxReplicas: 6
  metrics: [{type: Resource, resource: {name: cpu, target: {type: Utilization, averageUtilization: 70}}}]
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db, namespace: shop}
spec:
  serviceName: db
  selector: {matchLabels: {app: db}}
  template:
    metadata: {labels: {app: db}, annotations: {prometheus.io/scrape: "true"}}
    spec:
      containers:
        - {name: postgres, image: postgres:16, resources: {requests: {cpu: "1", memory: 512Mi}, limits: {memory: 2Gi}}}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: idle, namespace: shop}
spec:
  selector: {matchLabels: {app: idle}}
  template:
    metadata: {labels: {app: idle}, annotations: {prometheus.io/scrape: "true"}}
    spec:
      containers: [{name: app, image: shop/idle:1.0, resources: {requests: {cpu: 100m}}}]
`;

(available ? describe : describe.skip)('Prometheus usage, against a real Prometheus', () => {
  let dir: string;
  let child: ChildProcess | undefined;
  let config: PrometheusConfig;
  let end: number;
  let objects: K8sObject[];

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'posture-prom-'));
    // whole minutes, ten minutes ago: the backfilled blocks must not reach into the head block
    end = Math.floor(Date.now() / 1000 / MINUTE) * MINUTE - 10 * MINUTE;
    const file = path.join(dir, 'history.om');
    fs.writeFileSync(file, history(end));
    const data = path.join(dir, 'data');
    await run(PROMTOOL!, ['tsdb', 'create-blocks-from', 'openmetrics', file, data]);
    fs.writeFileSync(path.join(dir, 'prometheus.yml'), 'global: {}\n');
    const port = await freePort();
    child = spawn(
      PROMETHEUS!,
      [
        `--config.file=${path.join(dir, 'prometheus.yml')}`,
        `--storage.tsdb.path=${data}`,
        `--web.listen-address=127.0.0.1:${port}`,
        '--storage.tsdb.retention.time=30d',
      ],
      { stdio: 'ignore' },
    );
    const url = `http://127.0.0.1:${port}`;
    const deadline = Date.now() + 30_000;
    for (;;) {
      try {
        if ((await fetch(`${url}/-/ready`)).ok) break;
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline) throw new Error('Prometheus did not become ready in 30 s');
      await new Promise(r => setTimeout(r, 200));
    }
    config = {
      url,
      windowSeconds: WINDOW,
      stepSeconds: MINUTE,
      clusterLabel: 'cluster',
      clusterLabelValues: { prod: 'a' },
      timeoutMs: 20_000,
      maxResponseBytes: 2 ** 20,
    };
    objects = parseManifests(MANIFESTS, 'shop.yaml').objects;
  }, 60_000);

  afterAll(async () => {
    if (child && child.exitCode === null) {
      const exited = new Promise(r => child!.once('exit', r));
      child.kill();
      await exited;
    }
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('reads p95 and peak per container, and targets, with a fixed number of queries', async () => {
    const usage = await readPrometheusUsage(new PrometheusClient(config), config, 'prod', objects, { now: end * 1000 });
    expect(usage.queries).toBe(QUERY_COUNT);
    expect(Object.keys(buildQueries(config, 'prod'))).toHaveLength(QUERY_COUNT);
    const byName = new Map(usage.objects.map(o => [o.metadata.name, o.spec]));
    expect([...byName.keys()].sort()).toEqual(['deployment.idle', 'deployment.web', 'statefulset.db']);

    const web = byName.get('deployment.web');
    expect(web.window).toBe('4h');
    const app = web.containers.find((c: any) => c.name === 'app');
    // the busier pod's steady 0.08 cores, not cluster b's 7
    expect(app.cpu.p95).toBeCloseTo(0.08, 2);
    // rate()[5m] spreads the burst: 3 minutes at 1.2 and 2 at 0.08
    expect(app.cpu.max).toBeCloseTo((3 * 1.2 + 2 * 0.08) / 5, 1);
    expect(app.memory.max).toBe(950 * 2 ** 20);
    expect(web.targets).toEqual({ count: 2, upRatio: 1 });

    const db = byName.get('statefulset.db');
    expect(db.targets.count).toBe(1);
    expect(db.targets.upRatio).toBeGreaterThan(0.7);
    expect(db.targets.upRatio).toBeLessThan(0.8);

    // nothing in Prometheus for it: an object with no containers and no targets
    expect(byName.get('deployment.idle')).toMatchObject({ containers: [] });
    expect(byName.get('deployment.idle').targets).toBeUndefined();
  });

  it('feeds the engine: right-sizing and scrape-target results state the numbers', async () => {
    const usage = await readPrometheusUsage(new PrometheusClient(config), config, 'prod', objects, { now: end * 1000 });
    const out = evaluate({ objects: objects.concat(usage.objects), mode: 'manifest', cluster: 'prod' }, builtInChecks, {
      config: resolveEngineConfig({}),
      now: end * 1000,
    });
    const result = (check: string, name: string) =>
      out.results.find(r => r.checkId === check && r.subject.name === name);

    expect(result('cpu-requests-used', 'web')).toMatchObject({ status: 'fail' });
    expect(result('cpu-requests-used', 'web')!.message).toContain('requests 2 cores, p95 use 80m CPU (4 % of the request');
    expect(result('cpu-requests-used', 'db')).toMatchObject({ status: 'pass' });
    expect(result('memory-limit-headroom', 'web')).toMatchObject({ status: 'fail' });
    expect(result('memory-limit-headroom', 'web')!.message).toContain('limit 1Gi, peak use 950Mi (93 % of the limit');
    expect(result('hpa-target-reachable', 'web')).toMatchObject({ status: 'fail' });
    expect(result('scrape-targets-up', 'web')).toMatchObject({ status: 'pass' });
    expect(result('scrape-targets-up', 'db')).toMatchObject({ status: 'fail' });
    // selected for scraping, yet Prometheus saw no target
    expect(result('scrape-targets-up', 'idle')).toMatchObject({ status: 'fail' });
    // no measured use: not applicable, never a failure
    expect(result('cpu-requests-used', 'idle')).toMatchObject({ status: 'not-applicable' });
  });

  it('a failing Prometheus leaves the snapshot scored, with a warning and no usage', async () => {
    const inner = {
      name: 'prod',
      type: 'kubernetes' as const,
      timeoutMs: 10_000,
      collect: async () => ({ cluster: 'prod', mode: 'live' as const, objects, objectCounts: {}, warnings: [] }),
    };
    const broken = new PrometheusUsageSource(inner, { ...config, url: `${config.url}/nothing-here` });
    const snap = await broken.collect(new AbortController().signal);
    expect(snap.objects).toHaveLength(objects.length);
    expect(snap.warnings.join()).toMatch(/Prometheus \(6 queries\)/);

    const working = new PrometheusUsageSource(inner, config);
    const good = await working.collect(new AbortController().signal);
    expect(good.objectCounts.WorkloadUsage).toBe(3);
  });

  it('sends the auth header and refuses oversized answers', async () => {
    const seen: (string | null)[] = [];
    const spy: typeof fetch = async (input, init) => {
      seen.push(new Headers(init?.headers).get('authorization'));
      return fetch(input, init);
    };
    const client = new PrometheusClient({ ...config, authHeader: 'Bearer test-token' }, spy);
    await client.query('vector(1)', end);
    expect(seen).toEqual(['Bearer test-token']);
    const tiny = new PrometheusClient({ ...config, maxResponseBytes: 10 });
    await expect(tiny.query('kube_pod_owner', end)).rejects.toThrow(/larger than/);
  });
});

describe('buildQueries', () => {
  it('escapes the cluster label value', () => {
    const q = buildQueries(
      { url: 'http://x', windowSeconds: 604800, stepSeconds: 300, clusterLabel: 'cluster', clusterLabelValues: {}, timeoutMs: 1, maxResponseBytes: 1 },
      'we"ird\\name',
    );
    expect(q.cpuP95).toContain('cluster="we\\"ird\\\\name"');
    expect(q.cpuP95).toContain('[604800s:300s]');
  });
});
