import {
  CheckMetadata,
  CheckResult,
  ObjectRef,
  Scorecard,
  scoreResults,
} from '@internal/plugin-posture-common';
import { Check, CheckContext, Outcome } from './check';
import { EngineConfig, resolveEngineConfig } from './config';
import { ExemptionScope, applyExemption } from './exemptions';
import { K8sObject, kindOf, labelsOf, nameOf, obj, refKey, refOf } from './k8s';
import { workloadsRelatedTo } from './relations';
import { serviceNameOf } from './services';
import { Snapshot, SnapshotIndex } from './snapshotIndex';

/** Results for objects the engine cannot read at all (no kind, no name). */
export const INPUT_CHECK: CheckMetadata = {
  id: 'valid-object',
  title: 'Object is a readable Kubernetes object',
  pillar: 'security',
  category: 'Input',
  severity: 'low',
  rationale:
    'An object without a kind or a name cannot be judged; it is reported so that it is not silently skipped.',
  remediation: {
    text: 'Give the object an apiVersion, a kind and metadata.name.',
    patch: 'apiVersion: v1\nkind: <Kind>\nmetadata:\n  name: <name>\n',
  },
  references: {},
};

export interface WorkloadReport {
  key: string;
  ref: ObjectRef;
  service: string;
  /** the workload's own labels */
  labels: Record<string, string>;
  podLabels: Record<string, string>;
  /** indexes into `results` for this workload and the objects related to it */
  resultIds: number[];
}

export interface ServiceReport {
  name: string;
  namespace: string;
  workloads: ObjectRef[];
  scorecard: Scorecard;
}

export interface EngineOutput {
  checks: CheckMetadata[];
  results: CheckResult[];
  workloads: WorkloadReport[];
  services: ServiceReport[];
}

export interface EvaluateOptions {
  config?: EngineConfig;
  /** for expiry of exemptions; defaults to now */
  now?: number;
  scope?: ExemptionScope;
}

/** Checks enabled by config, with configured severities applied. */
export function effectiveChecks(checks: Check[], config: EngineConfig): Check[] {
  return checks
    .filter(c =>
      c.meta.optIn
        ? config.enabledChecks.includes(c.meta.id)
        : !config.disabledChecks.includes(c.meta.id),
    )
    .map(c =>
      config.severities[c.meta.id]
        ? { ...c, meta: { ...c.meta, severity: config.severities[c.meta.id] } }
        : c,
    );
}

/**
 * The engine: Kubernetes objects in, results and scores out. Pure: no I/O,
 * no clock unless `now` is left out. A check that throws yields an `error`
 * result for that object; the rest of the snapshot is still judged.
 */
export function evaluate(
  snapshot: Snapshot,
  checks: Check[],
  options: EvaluateOptions = {},
): EngineOutput {
  const config = options.config ?? resolveEngineConfig({});
  const now = options.now ?? Date.now();
  const scope: ExemptionScope = { cluster: snapshot.cluster, ...options.scope };
  // A non-object entry (null, a number, a string) cannot be indexed: every lookup reads
  // fields of it. It is left out of the index only; it still gets its valid-object result below.
  const index = new SnapshotIndex(
    snapshot.objects.every(o => obj(o)) ? snapshot : indexableOnly(snapshot),
  );
  const ctx: CheckContext = { index, config, mode: snapshot.mode };
  const active = effectiveChecks(checks, config);

  const results: CheckResult[] = [];
  const seen = new Map<string, number>();
  const byWorkload = new Map<string, Set<number>>();
  const attribute = (workloadKey: string, id: number) => {
    let s = byWorkload.get(workloadKey);
    if (!s) byWorkload.set(workloadKey, (s = new Set()));
    s.add(id);
  };

  const record = (
    meta: CheckMetadata,
    o: K8sObject,
    outcome: Outcome,
  ): number => {
    const subject = outcome.subject ?? refOf(o);
    const dedupKey = `${meta.id}|${refKey(subject)}`;
    const existing = seen.get(dedupKey);
    if (existing !== undefined) return existing;
    const origin = index.originOf(o);
    let result: CheckResult = {
      checkId: meta.id,
      status: outcome.status,
      severity: meta.severity,
      pillar: meta.pillar,
      message: outcome.message,
      subject,
      evidence: outcome.evidence ?? [],
    };
    if (origin?.file !== undefined) result.file = origin.file;
    if (origin?.documentIndex !== undefined) result.documentIndex = origin.documentIndex;
    if (snapshot.cluster) result.cluster = snapshot.cluster;
    result = applyExemption(result, outcome.subject ? undefined : o, config, scope, now);
    results.push(result);
    seen.set(dedupKey, results.length - 1);
    return results.length - 1;
  };

  const run = (meta: CheckMetadata, o: K8sObject, fn: () => Outcome | Outcome[]): number[] => {
    let outcomes: Outcome[];
    try {
      const out = fn();
      outcomes = Array.isArray(out) ? out : [out];
    } catch (e) {
      outcomes = [
        {
          status: 'error',
          message: `Could not evaluate ${meta.id} on ${kindOf(o)} ${nameOf(o)}: ${
            e instanceof Error ? e.message : String(e)
          }`,
        },
      ];
    }
    return outcomes.map(outcome => record(meta, o, outcome));
  };

  // objects that cannot be judged at all still get a result each
  for (const o of snapshot.objects) {
    if (!obj(o) || !kindOf(o) || !nameOf(o)) {
      const what = !obj(o) ? 'not an object' : !kindOf(o) ? 'it has no kind' : 'it has no metadata.name';
      record(INPUT_CHECK, obj(o) ? o : {}, { status: 'error', message: `Object skipped: ${what}` });
    }
  }

  for (const check of active) {
    if (check.target === 'workload') {
      for (const w of index.workloads) {
        if (!w.name) continue;
        if (check.kinds && !check.kinds.includes(w.kind)) continue;
        for (const id of run(check.meta, w.object, () => check.evaluate(w, ctx))) attribute(w.key, id);
      }
    } else {
      for (const kind of check.kinds) {
        for (const o of index.ofKind(kind)) {
          if (!nameOf(o)) continue;
          const ids = run(check.meta, o, () => check.evaluate(o, ctx));
          let related: { key: string }[] = [];
          try {
            related = workloadsRelatedTo(o, index);
          } catch {
            related = [];
          }
          for (const w of related) for (const id of ids) attribute(w.key, id);
        }
      }
    }
  }

  const pssLevels = new Map(active.map(c => [c.meta.id, c.meta.pssLevel]));
  const scoreOpts = { weights: config.weights, pssLevelOf: (id: string) => pssLevels.get(id) };

  const workloads: WorkloadReport[] = index.workloads
    .filter(w => w.name)
    .map(w => ({
      key: w.key,
      ref: w.ref,
      service: serviceNameOf(w),
      labels: labelsOf(w.object),
      podLabels: w.podLabels,
      resultIds: [...(byWorkload.get(w.key) ?? [])].sort((a, b) => a - b),
    }));

  const groups = new Map<string, WorkloadReport[]>();
  for (const w of workloads) {
    const k = `${w.ref.namespace}/${w.service}`;
    const g = groups.get(k);
    if (g) g.push(w);
    else groups.set(k, [w]);
  }
  const services: ServiceReport[] = [...groups.values()].map(ws => ({
    name: ws[0].service,
    namespace: ws[0].ref.namespace ?? 'default',
    workloads: ws.map(w => w.ref),
    scorecard: scoreResults(resultsFor({ results, workloads: ws }), scoreOpts),
  }));

  return { checks: [INPUT_CHECK, ...active.map(c => c.meta)], results, workloads, services };
}

/** The snapshot without its non-object entries, origins kept aligned. */
function indexableOnly(snapshot: Snapshot): Snapshot {
  const keep = snapshot.objects.map((_o, i) => i).filter(i => obj(snapshot.objects[i]));
  return {
    ...snapshot,
    objects: keep.map(i => snapshot.objects[i]),
    origins: snapshot.origins && keep.map(i => snapshot.origins![i]),
  };
}

/** The results that belong to a set of workloads (and their related objects), each once. */
export function resultsFor(output: {
  results: CheckResult[];
  workloads: Pick<WorkloadReport, 'resultIds'>[];
}): CheckResult[] {
  const ids = new Set<number>();
  for (const w of output.workloads) for (const id of w.resultIds) ids.add(id);
  return [...ids].sort((a, b) => a - b).map(id => output.results[id]);
}
