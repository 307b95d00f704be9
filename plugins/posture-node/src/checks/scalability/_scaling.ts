// Shared by the scalability checks (the `_` prefix keeps it out of the catalog).
import { Evidence } from '@posture-dev/backstage-plugin-posture-common';
import { CheckContext } from '../../engine/check';
import { K8sObject, kindOf, nameOf, obj, refOf, str } from '../../engine/k8s';
import { Workload } from '../../engine/workloads';

/** What an HPA or a KEDA ScaledObject lets the replica count range over. */
export interface ScalerBounds {
  scaler: K8sObject;
  min: number;
  /** undefined when the scaler has no usable maximum */
  max?: number;
  minPath: string;
  maxPath: string;
  /** minReplicas left out: min is the API server's (or KEDA's) default */
  minDefaulted: boolean;
}

const isCount = (v: unknown): v is number =>
  typeof v === 'number' && Number.isInteger(v) && v >= 0;

/**
 * HPA minReplicas defaults to 1; KEDA's minReplicaCount to 0 and
 * maxReplicaCount to 100. A value of the wrong type is read as absent: the
 * API server would reject it, and other checks say so.
 */
export function scalerBounds(s: K8sObject): ScalerBounds {
  const spec = obj(s.spec) ?? {};
  if (kindOf(s) === 'ScaledObject') {
    const min = isCount(spec.minReplicaCount)
      ? spec.minReplicaCount
      : undefined;
    return {
      scaler: s,
      min: min ?? 0,
      max: isCount(spec.maxReplicaCount) ? spec.maxReplicaCount : 100,
      minPath: 'spec.minReplicaCount',
      maxPath: 'spec.maxReplicaCount',
      minDefaulted: min === undefined,
    };
  }
  const min = isCount(spec.minReplicas) ? spec.minReplicas : undefined;
  return {
    scaler: s,
    min: min ?? 1,
    max: isCount(spec.maxReplicas) ? spec.maxReplicas : undefined,
    minPath: 'spec.minReplicas',
    maxPath: 'spec.maxReplicas',
    minDefaulted: min === undefined,
  };
}

export interface ReplicaBounds {
  /** the fewest replicas the workload is configured to run */
  min: number;
  /** the most it may run */
  max: number;
  /** the scalers that govern the count; empty when spec.replicas does */
  scalers: ScalerBounds[];
  evidence: Evidence[];
}

/**
 * The replica range of a scalable workload. When an HPA or ScaledObject
 * targets it, the scaler owns the count (spec.replicas is overwritten);
 * otherwise spec.replicas, which the API server defaults to 1.
 */
export function replicaBounds(w: Workload, ctx: CheckContext): ReplicaBounds {
  const scalers = ctx.index.scalersFor(w).map(scalerBounds);
  if (scalers.length > 0) {
    // a loop, not Math.max(...): a hostile manifest set may aim any number of scalers at one workload
    const min = scalers.reduce((m, s) => Math.max(m, s.min), -Infinity);
    const max = scalers.reduce((m, s) => Math.max(m, s.max ?? s.min), min);
    return {
      min,
      max,
      scalers,
      evidence: scalers.map(s => ({
        path: s.minPath,
        value: s.minDefaulted ? `(unset: ${s.min})` : String(s.min),
        object: refOf(s.scaler),
      })),
    };
  }
  const n = w.replicas ?? 1;
  const raw = obj(w.object.spec)?.replicas;
  let value = String(n);
  if (w.replicas === undefined) {
    value =
      raw === undefined || raw === null
        ? '(unset: 1)'
        : `${JSON.stringify(raw)} (not a number: 1)`;
  }
  return {
    min: n,
    max: n,
    scalers: [],
    evidence: [{ path: 'spec.replicas', value }],
  };
}

/** `kind name`, for messages. */
export const named = (o: K8sObject) => `${kindOf(o)} ${nameOf(o)}`;

/** A PDB's `minAvailable` / `maxUnavailable`: an integer or a percentage string. */
export type IntOrPercent =
  | { kind: 'int'; value: number; raw: string }
  | { kind: 'percent'; value: number; raw: string }
  | { kind: 'invalid'; raw: string; reason: string };

/** Reads an IntOrString as the API server validates it; undefined when absent. */
export function intOrPercent(v: unknown): IntOrPercent | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'number') {
    return Number.isInteger(v) && v >= 0
      ? { kind: 'int', value: v, raw: String(v) }
      : {
          kind: 'invalid',
          raw: String(v),
          reason: 'must be a non-negative integer',
        };
  }
  const s = str(v);
  if (s === undefined)
    return {
      kind: 'invalid',
      raw: JSON.stringify(v) ?? String(v),
      reason: 'must be an integer or a percentage such as "50%"',
    };
  const m = /^(\d+)%$/.exec(s);
  if (!m)
    return {
      kind: 'invalid',
      raw: s,
      reason: 'must be an integer or a percentage such as "50%"',
    };
  return { kind: 'percent', value: Number(m[1]), raw: s };
}

/** The count a value stands for out of `total`, rounded up as the disruption controller does. */
export function scaledCount(v: IntOrPercent, total: number): number {
  if (v.kind === 'int') return v.value;
  if (v.kind === 'percent') return Math.ceil((v.value * total) / 100);
  return Number.NaN;
}

/**
 * A Service with an empty selector manages no endpoints (like one without a
 * selector), and an ExternalName Service has none: neither routes to pods.
 */
export function routesToPods(svc: K8sObject): boolean {
  const spec = obj(svc.spec);
  if (spec?.type === 'ExternalName') return false;
  const sel = obj(spec?.selector);
  return !!sel && Object.keys(sel).length > 0;
}

/**
 * Whether a PodDisruptionBudget limits evictions at all. policy/v1 has no default, so a budget with neither
 * minAvailable nor maxUnavailable limits nothing; policy/v1beta1 defaulted minAvailable to 1.
 */
export function hasPolicy(pdb: K8sObject): boolean {
  const spec = obj(pdb.spec) ?? {};
  const set = (v: unknown) => v !== undefined && v !== null;
  if (set(spec.minAvailable) || set(spec.maxUnavailable)) return true;
  return pdb.apiVersion === 'policy/v1beta1';
}
