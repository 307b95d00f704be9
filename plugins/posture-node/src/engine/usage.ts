import { K8sObject, arr, nameOf, num, obj, str } from './k8s';
import { parseQuantity } from './quantity';
import { Workload } from './workloads';

/**
 * Measured use travels in the snapshot as ordinary objects, so checks stay
 * pure and judge it like any other object: the backend's Prometheus reader
 * adds one `WorkloadUsage` per workload; a manifests folder may carry them in
 * a file (that is how the demo gets its dataset). Nothing in one is trusted.
 *
 * ```yaml
 * apiVersion: posture.backstage.io/v1alpha1
 * kind: WorkloadUsage
 * metadata: {name: deployment.checkout, namespace: shop}   # <lower-case kind>.<workload name>
 * spec:
 *   workload: {kind: Deployment, name: checkout}
 *   source: prometheus
 *   window: 7d
 *   containers:
 *     - {name: app, cpu: {p95: 0.05, max: 0.2}, memory: {p95: 1.2e8, max: 1.5e8}}   # cores, bytes; busiest pod
 *   targets: {count: 2, upRatio: 1}   # scrape targets of the workload's pods, share of the window up
 * ```
 */
export const USAGE_API_VERSION = 'posture.backstage.io/v1alpha1';
export const USAGE_KIND = 'WorkloadUsage';

export interface Stat {
  p95?: number;
  max?: number;
}

export interface ContainerUsage {
  name: string;
  cpu: Stat;
  memory: Stat;
}

export interface WorkloadUsage {
  object: K8sObject;
  /** where the numbers come from, for evidence: `prometheus`, `vpa` */
  source: string;
  window: string;
  containers: Map<string, ContainerUsage>;
  targets?: { count: number; upRatio: number };
}

export function usageName(kind: string, name: string): string {
  return `${kind.toLowerCase()}.${name}`;
}

/** Builds the snapshot object the checks read; used by the Prometheus reader and tests. */
export function usageObject(
  workload: { kind: string; namespace: string; name: string },
  spec: {
    source: string;
    window: string;
    containers: { name: string; cpu?: Stat; memory?: Stat }[];
    targets?: { count: number; upRatio: number };
  },
): K8sObject {
  return {
    apiVersion: USAGE_API_VERSION,
    kind: USAGE_KIND,
    metadata: { name: usageName(workload.kind, workload.name), namespace: workload.namespace },
    spec: { workload: { kind: workload.kind, name: workload.name }, ...spec },
  };
}

/** Use cannot be negative: a negative number is as unusable as a string. */
function amount(v: unknown): number | undefined {
  const n = num(v);
  return n !== undefined && n >= 0 ? n : undefined;
}

function stat(v: unknown): Stat {
  const o = obj(v);
  return { p95: amount(o?.p95), max: amount(o?.max) };
}

/** The measured use of a workload, when its snapshot carries a usage object for it. */
export function measuredUsage(
  w: Workload,
  get: (kind: string, namespace: string, name: string) => K8sObject | undefined,
): WorkloadUsage | undefined {
  const o = get(USAGE_KIND, w.namespace, usageName(w.kind, w.name));
  if (!o || o.apiVersion !== USAGE_API_VERSION) return undefined;
  const spec = obj(o.spec);
  const target = obj(spec?.workload);
  // the name encodes the kind in lower case; the spec says it exactly
  if (target?.kind !== w.kind || target?.name !== w.name) return undefined;
  const containers = new Map<string, ContainerUsage>();
  for (const c of arr(spec?.containers)) {
    const name = str(obj(c)?.name);
    if (!name) continue;
    containers.set(name, { name, cpu: stat(obj(c)?.cpu), memory: stat(obj(c)?.memory) });
  }
  const t = obj(spec?.targets);
  const count = amount(t?.count);
  const upRatio = amount(t?.upRatio);
  return {
    object: o,
    source: str(spec?.source) ?? 'prometheus',
    window: str(spec?.window) ?? '',
    containers,
    targets: count !== undefined && upRatio !== undefined ? { count, upRatio: Math.min(upRatio, 1) } : undefined,
  };
}

/**
 * A VerticalPodAutoscaler's recommendation as usage. Its `target` is the
 * recommender's estimate of what a container needs (a high percentile of its
 * use, plus a margin); it stands for both p95 and peak. `upperBound` is left
 * out: it is a confidence bound that starts far above use and would make
 * every memory limit look too tight.
 */
export function vpaUsage(w: Workload, vpas: K8sObject[]): WorkloadUsage | undefined {
  for (const vpa of vpas) {
    const ref = obj(obj(vpa.spec)?.targetRef);
    if (str(ref?.kind) !== w.kind || str(ref?.name) !== w.name) continue;
    const containers = new Map<string, ContainerUsage>();
    for (const r of arr(obj(obj(vpa.status)?.recommendation)?.containerRecommendations)) {
      const rec = obj(r);
      const name = str(rec?.containerName);
      if (!name) continue;
      const q = (section: string, res: 'cpu' | 'memory') => {
        const v = obj(rec?.[section])?.[res];
        if (v === undefined || v === null) return undefined;
        const p = parseQuantity(v);
        return p.ok && p.value >= 0 ? p.value : undefined;
      };
      containers.set(name, {
        name,
        cpu: { p95: q('target', 'cpu'), max: q('target', 'cpu') },
        memory: { p95: q('target', 'memory'), max: q('target', 'memory') },
      });
    }
    if (containers.size === 0) continue;
    return { object: vpa, source: `VerticalPodAutoscaler ${nameOf(vpa)}`, window: '', containers };
  }
  return undefined;
}
