import {
  K8sObject,
  SnapshotIndex,
  Stat,
  Workload,
  arr,
  obj,
  str,
  usageObject,
} from '@posture-dev/backstage-plugin-posture-node';
import { PrometheusConfig, windowLabel } from './prometheusConfig';

/**
 * Reads measured use from Prometheus with a fixed number of queries per
 * cluster, whatever its size: QUERY_COUNT queries, each aggregated server-side
 * to one number per (workload, container) or per workload. Each one evaluates
 * the whole window as a subquery (`<fn>_over_time((expr)[window:step])`), so
 * Prometheus does the percentile and the answer holds one sample per series
 * instead of window/step points: a week at 5 minutes would be 2016 points per
 * container with a plain range query.
 *
 * Series come from cAdvisor (container_cpu_usage_seconds_total,
 * container_memory_working_set_bytes), kube-state-metrics (kube_pod_owner, to
 * relate a pod to its controller) and Prometheus' own `up`. Per container the
 * numbers are those of its busiest pod at each step, since requests and
 * limits apply per pod.
 */
export const QUERY_COUNT = 6;

export interface PrometheusUsage {
  objects: K8sObject[];
  queries: number;
  warnings: string[];
}

type Sample = { labels: Record<string, string>; value: number };

/** `"` and `\` escaped for a PromQL string literal. */
function literal(v: string): string {
  return `"${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;
}

export function buildQueries(config: PrometheusConfig, cluster: string): Record<string, string> {
  const value = config.clusterLabelValues[cluster] ?? cluster;
  const c = config.clusterLabel ? `,${config.clusterLabel}=${literal(value)}` : '';
  const range = `[${config.windowSeconds}s:${config.stepSeconds}s]`;
  const owner = `max by (namespace, pod, owner_kind, owner_name) (kube_pod_owner{owner_is_controller="true"${c}})`;
  const join = `* on (namespace, pod) group_left (owner_kind, owner_name) ${owner}`;
  const perContainer = (metric: string) =>
    `max by (namespace, owner_kind, owner_name, container) (${metric} ${join})`;
  const cpu = perContainer(`rate(container_cpu_usage_seconds_total{container!="",container!="POD"${c}}[5m])`);
  const memory = perContainer(`container_memory_working_set_bytes{container!="",container!="POD"${c}}`);
  const up = `up{namespace!=""${c}} ${join}`;
  return {
    cpuP95: `quantile_over_time(0.95, (${cpu})${range})`,
    cpuMax: `max_over_time((${cpu})${range})`,
    memoryP95: `quantile_over_time(0.95, (${memory})${range})`,
    memoryMax: `max_over_time((${memory})${range})`,
    // share of the steps in which every target of the workload was up
    upRatio: `avg_over_time((min by (namespace, owner_kind, owner_name) (${up}))${range})`,
    targets: `max_over_time((count by (namespace, owner_kind, owner_name) (${up}))${range})`,
  };
}

/** Reads a response body up to a size limit, so an answer larger than expected is refused, not buffered. */
async function readLimited(res: Response, limit: number): Promise<string> {
  const reader = res.body?.getReader();
  if (!reader) return '';
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel();
      throw new Error(`response larger than ${Math.round(limit / 2 ** 20)} MB`);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export class PrometheusClient {
  constructor(
    private readonly config: PrometheusConfig,
    private readonly fetchImpl: typeof fetch = fetch,
  ) {}

  /** One instant query; `time` in seconds. Throws with Prometheus' own error text. */
  async query(expr: string, time: number, signal?: AbortSignal): Promise<Sample[]> {
    const body = new URLSearchParams({ query: expr, time: String(time) });
    const timeout = AbortSignal.timeout(this.config.timeoutMs);
    const res = await this.fetchImpl(`${this.config.url}/api/v1/query`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        accept: 'application/json',
        ...(this.config.authHeader ? { authorization: this.config.authHeader } : {}),
      },
      body,
      signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
    });
    const text = await readLimited(res, this.config.maxResponseBytes);
    let json: any;
    try {
      json = JSON.parse(text);
    } catch {
      throw new Error(`Prometheus answered HTTP ${res.status} without JSON`);
    }
    if (!res.ok || json?.status !== 'success') {
      const why = typeof json?.error === 'string' ? json.error.slice(0, 300) : `HTTP ${res.status}`;
      throw new Error(`Prometheus query failed: ${why}`);
    }
    if (obj(json.data)?.resultType !== 'vector') throw new Error('Prometheus answered with no instant vector');
    const out: Sample[] = [];
    for (const r of arr(json.data.result)) {
      const metric = obj(obj(r)?.metric) ?? {};
      const v = Number(arr(obj(r)?.value)[1]);
      if (!Number.isFinite(v) || v < 0) continue;
      const labels: Record<string, string> = {};
      for (const [k, lv] of Object.entries(metric)) if (typeof lv === 'string') labels[k] = lv;
      out.push({ labels, value: v });
    }
    return out;
  }
}

/**
 * The workload a pod owner (from kube_pod_owner) belongs to. ReplicaSets and
 * Jobs are followed to their Deployment or CronJob through the snapshot;
 * ones already deleted (old rollouts, finished runs) by the name their
 * controller generated, when that controller exists.
 */
function ownerWorkload(index: SnapshotIndex, namespace: string, kind: string, name: string): Workload | undefined {
  const direct = index.workload(`${kind}/${namespace}/${name}`);
  if (direct) return direct;
  if (kind !== 'ReplicaSet' && kind !== 'Job') return undefined;
  const o = index.get(kind, namespace, name);
  const ref = arr(obj(o?.metadata)?.ownerReferences).map(obj).find(r => r?.controller === true);
  if (ref && str(ref.kind) && str(ref.name)) return index.workload(`${ref.kind}/${namespace}/${ref.name}`);
  const parent = kind === 'ReplicaSet' ? 'Deployment' : 'CronJob';
  const m = (kind === 'ReplicaSet' ? /^(.+)-[a-z0-9]{1,10}$/ : /^(.+)-\d+$/).exec(name);
  return m ? index.workload(`${parent}/${namespace}/${m[1]}`) : undefined;
}

interface Acc {
  w: Workload;
  containers: Map<string, { cpu: Stat; memory: Stat }>;
  up?: number;
  targets?: number;
}

/** Keeps the larger value: several ReplicaSets of one Deployment (rollouts in the window) merge conservatively. */
function keepMax(prev: number | undefined, v: number): number {
  return prev === undefined ? v : Math.max(prev, v);
}

/**
 * Queries Prometheus for one cluster and returns one WorkloadUsage object per
 * top-level workload of the snapshot (with no containers and no targets when
 * Prometheus has nothing for it, so the checks can tell "not scraped" from
 * "not configured").
 */
export async function readPrometheusUsage(
  client: PrometheusClient,
  config: PrometheusConfig,
  cluster: string,
  objects: K8sObject[],
  options: { signal?: AbortSignal; now?: number } = {},
): Promise<PrometheusUsage> {
  const index = new SnapshotIndex({ objects, mode: 'live', cluster });
  const time = Math.floor((options.now ?? Date.now()) / 1000);
  const queries = buildQueries(config, cluster);
  const names = Object.keys(queries);
  // in parallel: a handful of queries, each already aggregated server-side
  const results = await Promise.all(names.map(n => client.query(queries[n], time, options.signal)));
  const acc = new Map<string, Acc>();
  for (const w of index.workloads) acc.set(w.key, { w, containers: new Map() });
  let unmatched = 0;
  names.forEach((name, i) => {
    for (const s of results[i]) {
      const { namespace, owner_kind: kind, owner_name: owner, container } = s.labels;
      if (!namespace || !kind || !owner) continue;
      const w = ownerWorkload(index, namespace, kind, owner);
      if (!w) {
        unmatched++;
        continue;
      }
      const a = acc.get(w.key)!;
      if (name === 'upRatio') a.up = a.up === undefined ? s.value : Math.min(a.up, s.value);
      else if (name === 'targets') a.targets = keepMax(a.targets, s.value);
      else if (container) {
        let c = a.containers.get(container);
        if (!c) a.containers.set(container, (c = { cpu: {}, memory: {} }));
        const stat = name.startsWith('cpu') ? c.cpu : c.memory;
        if (name.endsWith('P95')) stat.p95 = keepMax(stat.p95, s.value);
        else stat.max = keepMax(stat.max, s.value);
      }
    }
  });
  const window = windowLabel(config.windowSeconds);
  const out: K8sObject[] = [];
  for (const a of acc.values()) {
    out.push(
      usageObject(
        { kind: a.w.kind, namespace: a.w.namespace, name: a.w.name },
        {
          source: 'prometheus',
          window,
          containers: [...a.containers].map(([name, c]) => ({ name, ...c })),
          ...(a.targets !== undefined && a.up !== undefined
            ? { targets: { count: a.targets, upRatio: Math.min(1, a.up) } }
            : {}),
        },
      ),
    );
  }
  const warnings =
    unmatched > 0 ? [`Prometheus: ${unmatched} series belong to no workload of the snapshot (deleted workloads)`] : [];
  return { objects: out, queries: names.length, warnings };
}
