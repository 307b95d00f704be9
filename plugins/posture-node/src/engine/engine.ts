import {
  CheckMetadata,
  CheckResult,
  ObjectRef,
  Scorecard,
  WorkloadResources,
  scoreResults,
} from '@posture-dev/backstage-plugin-posture-common';
import { Check, CheckContext, Outcome } from './check';
import { EngineConfig, resolveEngineConfig } from './config';
import { EXEMPT_ANNOTATION, ExemptionScope, applyExemption } from './exemptions';
import { K8sObject, annotationsOf, kindOf, labelsOf, nameOf, obj, refKey, refOf } from './k8s';
import { workloadsRelatedTo } from './relations';
import { workloadResources } from './resources';
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
  /** requested against used, when a usage source (Prometheus, a VPA) covers the workload */
  resources?: WorkloadResources;
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
  /** workload keys defined more than once, with how often; only the first definition is judged */
  repeatedWorkloads: [string, number][];
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
  // ~9 results per object: everything derived from the object alone is worked out once per
  // object (see ObjectFacts), and the dedup table is keyed by subject, so a result costs no
  // string building. Checks run one after another, so while each check id occurs once, all
  // results of one (check, subject) are recorded during that check's turn: the subject's last
  // result is the only one a new result can duplicate. Otherwise every id is kept.
  const checkIds = [INPUT_CHECK.id, ...active.map(c => c.meta.id)];
  const lastOnly = new Set(checkIds).size === checkIds.length;
  const bySubject = new Map<string, Slot>();
  const slotFor = (key: string): Slot => {
    let slot = bySubject.get(key);
    if (!slot) {
      slot = { checkId: undefined, id: -1, all: lastOnly ? undefined : new Map() };
      bySubject.set(key, slot);
    }
    return slot;
  };
  const facts = new Map<K8sObject, ObjectFacts>();
  const factsOf = (o: K8sObject): ObjectFacts => {
    let f = facts.get(o);
    if (!f) {
      const ref = refOf(o);
      const origin = index.originOf(o);
      f = {
        ref,
        slot: slotFor(refKey(ref)),
        file: origin?.file,
        documentIndex: origin?.documentIndex,
        exemptByAnnotation: hasExemptAnnotation(o),
      };
      facts.set(o, f);
    }
    return f;
  };
  // without config exemptions, only objects annotated for exemption can change a result
  const configExemptions = config.exemptions.length > 0;

  // result ids per workload key, in the order attributed; sorted and made unique at the end.
  // `lastList` skips the common repeat (one result attributed to the same workload twice in a row).
  const byWorkload = new Map<string, number[]>();
  const listFor = (workloadKey: string): number[] => {
    let ids = byWorkload.get(workloadKey);
    if (!ids) byWorkload.set(workloadKey, (ids = []));
    return ids;
  };
  const lastList: (number[] | undefined)[] = [];
  const attribute = (ids: number[], id: number) => {
    if (lastList[id] === ids) return;
    lastList[id] = ids;
    ids.push(id);
  };

  const record = (
    meta: CheckMetadata,
    o: K8sObject,
    outcome: Outcome,
    f: ObjectFacts = factsOf(o),
  ): number => {
    const own = outcome.subject === undefined;
    const subject = own ? f.ref : outcome.subject!;
    const slot = own ? f.slot : slotFor(refKey(subject));
    if (slot.checkId === meta.id) return slot.id;
    const existing = slot.all?.get(meta.id);
    if (existing !== undefined) return existing;
    // shared by all results of the object (subject) or of the run (empty evidence): results
    // are read-only data once returned
    const evidence = outcome.evidence ?? NO_EVIDENCE;
    const { id: checkId, severity, pillar } = meta;
    const { status, message } = outcome;
    const { file, documentIndex } = f;
    const cluster = snapshot.cluster;
    // The two common shapes (a manifest's result with its place; a live cluster's with its
    // cluster) are written whole: a field added to an object literal afterwards is stored out
    // of line, one more allocation per result, and a large scan makes 650k results. The field
    // order, which JSON output follows, is the same either way.
    let result: CheckResult;
    if (file !== undefined && documentIndex !== undefined && !cluster) {
      result = { checkId, status, severity, pillar, message, subject, evidence, file, documentIndex };
    } else if (file === undefined && documentIndex === undefined && cluster) {
      result = { checkId, status, severity, pillar, message, subject, evidence, cluster };
    } else {
      result = { checkId, status, severity, pillar, message, subject, evidence };
      if (file !== undefined) result.file = file;
      if (documentIndex !== undefined) result.documentIndex = documentIndex;
      if (cluster) result.cluster = cluster;
    }
    const exemptable = outcome.status === 'fail' || (outcome.status as string) === 'exempt';
    if (exemptable && (configExemptions || (own && f.exemptByAnnotation))) {
      result = applyExemption(result, own ? o : undefined, config, scope, now);
    }
    const id = results.push(result) - 1;
    lastList.push(undefined);
    slot.checkId = meta.id;
    slot.id = id;
    slot.all?.set(meta.id, id);
    return id;
  };

  const failed = (meta: CheckMetadata, o: K8sObject, e: unknown): Outcome => ({
    status: 'error',
    message: `Could not evaluate ${meta.id} on ${kindOf(o)} ${nameOf(o)}: ${
      e instanceof Error ? e.message : String(e)
    }`,
  });

  // objects that cannot be judged at all still get a result each
  for (const o of snapshot.objects) {
    if (!obj(o) || !kindOf(o) || !nameOf(o)) {
      const what = !obj(o) ? 'not an object' : !kindOf(o) ? describeMissing(o, 'kind') : describeMissingName(o);
      record(INPUT_CHECK, obj(o) ? o : {}, { status: 'error', message: `Object skipped: ${what}` });
    }
  }

  // several object checks look at the same kinds; the index does not change during a run
  const related = new Map<K8sObject, { key: string }[]>();
  const relatedTo = (o: K8sObject): { key: string }[] => {
    let ws = related.get(o);
    if (!ws) {
      try {
        ws = workloadsRelatedTo(o, index);
      } catch {
        ws = [];
      }
      related.set(o, ws);
    }
    return ws;
  };

  const workloadLists = index.workloads.map(w => listFor(w.key));
  // each workload's facts, found by position rather than looked up by object for each of its ~64 results
  const workloadFacts = new Array<ObjectFacts | undefined>(index.workloads.length);
  const ids: number[] = [];
  for (const check of active) {
    const meta = check.meta;
    if (check.target === 'workload') {
      const workloads = index.workloads;
      for (let i = 0; i < workloads.length; i++) {
        const w = workloads[i];
        if (!w.name) continue;
        if (check.kinds && !check.kinds.includes(w.kind)) continue;
        let out: Outcome | Outcome[];
        try {
          out = check.evaluate(w, ctx);
        } catch (e) {
          out = failed(meta, w.object, e);
        }
        const list = workloadLists[i];
        const f = (workloadFacts[i] ??= factsOf(w.object));
        if (!Array.isArray(out)) attribute(list, record(meta, w.object, out, f));
        else for (const outcome of out) attribute(list, record(meta, w.object, outcome, f));
      }
    } else {
      for (const kind of check.kinds) {
        for (const o of index.ofKind(kind)) {
          if (!nameOf(o)) continue;
          let out: Outcome | Outcome[];
          try {
            out = check.evaluate(o, ctx);
          } catch (e) {
            out = failed(meta, o, e);
          }
          ids.length = 0;
          if (!Array.isArray(out)) ids.push(record(meta, o, out));
          else for (const outcome of out) ids.push(record(meta, o, outcome));
          for (const w of relatedTo(o)) {
            const list = listFor(w.key);
            for (const id of ids) attribute(list, id);
          }
        }
      }
    }
  }

  const pssLevels = new Map(active.map(c => [c.meta.id, c.meta.pssLevel]));
  const scoreOpts = { weights: config.weights, pssLevelOf: (id: string) => pssLevels.get(id) };

  const workloads: WorkloadReport[] = index.workloads
    .filter(w => w.name)
    .map(w => {
      const report: WorkloadReport = {
        key: w.key,
        ref: w.ref,
        service: serviceNameOf(w),
        labels: labelsOf(w.object),
        podLabels: w.podLabels,
        resultIds: sortedUnique(byWorkload.get(w.key)),
      };
      const resources = resourcesOf(w, ctx);
      if (resources) report.resources = resources;
      return report;
    });

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

  return {
    checks: [INPUT_CHECK, ...active.map(c => c.meta)],
    results,
    workloads,
    services,
    repeatedWorkloads: [...index.repeatedWorkloads],
  };
}

/** A summary that cannot be worked out (hostile numbers) is left out; it never fails the run. */
function resourcesOf(w: Parameters<typeof workloadResources>[0], ctx: CheckContext): WorkloadResources | undefined {
  try {
    return workloadResources(w, ctx);
  } catch {
    return undefined;
  }
}

const NO_EVIDENCE: CheckResult['evidence'] = Object.freeze([]) as unknown as CheckResult['evidence'];

/** Dedup state of one subject: its last result, or (when check ids repeat) all of them. */
interface Slot {
  checkId: string | undefined;
  id: number;
  all: Map<string, number> | undefined;
}

/** What the engine needs of an object for each of its results, worked out once. */
interface ObjectFacts {
  ref: ObjectRef;
  slot: Slot;
  file?: string;
  documentIndex?: number;
  exemptByAnnotation: boolean;
}

/** Whether the exempt annotation names any check, read the way findExemption reads it. */
function hasExemptAnnotation(o: K8sObject): boolean {
  const raw = obj(obj(o.metadata)?.annotations)?.[EXEMPT_ANNOTATION];
  if (raw === undefined) return false;
  const ids = annotationsOf(o)[EXEMPT_ANNOTATION];
  return ids !== undefined && ids.split(',').some(s => s.trim() !== '');
}

/** A copy of ids in ascending order without repeats (`ids` is mostly ascending already). */
function sortedUnique(ids: number[] | undefined): number[] {
  if (!ids) return [];
  const out = ids.slice();
  for (let i = 1; i < out.length; i++) {
    if (out[i] <= out[i - 1]) {
      out.sort((a, b) => a - b);
      break;
    }
  }
  let n = 0;
  for (let i = 0; i < out.length; i++) if (n === 0 || out[i] !== out[n - 1]) out[n++] = out[i];
  out.length = n;
  return out;
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
  // one workload (most services): its ids are ascending and unique already, as evaluate makes them
  if (output.workloads.length === 1 && isAscending(output.workloads[0].resultIds)) {
    const ids = output.workloads[0].resultIds;
    const out = new Array<CheckResult>(ids.length);
    for (let i = 0; i < ids.length; i++) out[i] = output.results[ids[i]];
    return out;
  }
  const ids = new Set<number>();
  for (const w of output.workloads) for (const id of w.resultIds) ids.add(id);
  return [...ids].sort((a, b) => a - b).map(id => output.results[id]);
}

function isAscending(ids: readonly number[]): boolean {
  for (let i = 1; i < ids.length; i++) if (!(ids[i] > ids[i - 1])) return false;
  return true;
}

/** Why a kind is unreadable: absent, or present with the wrong type (a number, a list). */
function describeMissing(o: K8sObject, field: 'kind'): string {
  const v = o[field];
  return v === undefined || v === null || v === '' ? `it has no ${field}` : `its ${field} is ${typeName(v)}, not a string`;
}

/** Why metadata.name is unreadable: `name: 123` is a number, which the API server rejects. */
function describeMissingName(o: K8sObject): string {
  const meta = obj(o.metadata);
  const v = meta?.name;
  if (v === undefined || v === null || v === '') return 'it has no metadata.name';
  return `its metadata.name is ${typeName(v)}, not a string (quote it)`;
}

function typeName(v: unknown): string {
  return Array.isArray(v) ? 'a list' : v !== null && typeof v === 'object' ? 'a map' : `a ${typeof v}`;
}
