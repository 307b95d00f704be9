import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import {
  CheckResult,
  ClusterScorecard,
  EntityMatch,
  EntityScorecard,
  ScoreTally,
  scorecardOf,
  tallyResults,
} from '@posture-dev/backstage-plugin-posture-common';
import {
  EngineConfig,
  EngineOutput,
  KUBERNETES_ID_LABEL,
  LabelSelector,
  WorkloadReport,
  applyExemption,
  matches,
  parseSelectorString,
  resultsFor,
} from '@posture-dev/backstage-plugin-posture-node';
import { forEachInTurns } from './turns';

export const ANNOTATION_KUBERNETES_ID = 'backstage.io/kubernetes-id';
export const ANNOTATION_LABEL_SELECTOR = 'backstage.io/kubernetes-label-selector';
export const ANNOTATION_NAMESPACE = 'backstage.io/kubernetes-namespace';
export const ANNOTATION_CLUSTER = 'backstage.io/kubernetes-cluster';

export const BROAD_SELECTOR_ERROR =
  'the label selector names no label value (only !key, key, != or notin): it would select other teams\' workloads; add a key=value or key in (...) requirement';

/** How an entity selects its workloads, from the Backstage kubernetes plugin's annotations. */
export interface EntitySelector {
  match: EntityMatch;
  selector?: LabelSelector;
  /** set when the label-selector annotation does not parse */
  error?: string;
}

export function entitySelector(entity: Entity, clusterNames: string[]): EntitySelector {
  const a = entity.metadata.annotations ?? {};
  const kubernetesId = a[ANNOTATION_KUBERNETES_ID]?.trim() || null;
  const labelSelector = a[ANNOTATION_LABEL_SELECTOR]?.trim() || null;
  const namespace = a[ANNOTATION_NAMESPACE]?.trim() || null;
  const pinned = a[ANNOTATION_CLUSTER]?.trim();
  const match: EntityMatch = {
    kubernetesId,
    labelSelector,
    namespace,
    clusters: pinned ? clusterNames.filter(c => c === pinned) : clusterNames,
  };
  return selectorFor(match);
}

/**
 * The parsed selector of an entity's match. Split from `entitySelector` so a worker thread, which
 * receives only the plain `match`, parses it the same way.
 */
export function selectorFor(match: EntityMatch): EntitySelector {
  const { kubernetesId, labelSelector } = match;
  if (!kubernetesId && !labelSelector) return { match };
  try {
    // like the kubernetes plugin, an explicit label selector wins over the id
    const selector = labelSelector
      ? parseSelectorString(labelSelector)
      : parseSelectorString(`${KUBERNETES_ID_LABEL}=${kubernetesId}`);
    // `!no-such-label` or `app` select every workload of every team: a selector must name a value
    if (!selector.requirements.some(r => r.operator === 'In')) {
      return { match, error: BROAD_SELECTOR_ERROR };
    }
    return { match, selector };
  } catch (e) {
    return { match, error: (e as Error).message };
  }
}

/**
 * Finds an entity's workloads in one cluster. Entities that use
 * `backstage.io/kubernetes-id` (the common case) are a map lookup; only
 * label-selector entities are matched against every workload.
 */
export class WorkloadLookup {
  private readonly byId = new Map<string, WorkloadReport[]>();

  constructor(private readonly workloads: WorkloadReport[]) {
    for (const w of workloads) {
      const ids = new Set([w.labels[KUBERNETES_ID_LABEL], w.podLabels[KUBERNETES_ID_LABEL]]);
      for (const id of ids) {
        if (!id) continue;
        const list = this.byId.get(id);
        if (list) list.push(w);
        else this.byId.set(id, [w]);
      }
    }
  }

  find(sel: EntitySelector): WorkloadReport[] {
    if (!sel.selector) return [];
    const candidates =
      !sel.match.labelSelector && sel.match.kubernetesId
        ? this.byId.get(sel.match.kubernetesId) ?? []
        : this.workloads.filter(
            w => matches(sel.selector, w.labels) || matches(sel.selector, w.podLabels),
          );
    return candidates.filter(w => !sel.match.namespace || w.ref.namespace === sel.match.namespace);
  }
}

/** The entity's scorecard in one cluster, with entity-scoped exemptions applied. */
export function clusterScorecard(
  entity: Entity,
  cluster: string,
  output: EngineOutput,
  workloads: WorkloadReport[],
  config: EngineConfig,
  collectedAt: string,
  now: number,
): { scorecard: ClusterScorecard; results: CheckResult[]; tally: ScoreTally } {
  return clusterScorecardFor(stringifyEntityRef(entity), cluster, output, workloads, config, collectedAt, now);
}

/** `clusterScorecard` by entity ref, for the worker thread, which has no catalog entities. */
export function clusterScorecardFor(
  entityRef: string,
  cluster: string,
  output: EngineOutput,
  workloads: WorkloadReport[],
  config: EngineConfig,
  collectedAt: string,
  now: number,
): { scorecard: ClusterScorecard; results: CheckResult[]; tally: ScoreTally } {
  const results = resultsFor({ results: output.results, workloads }).map(r =>
    applyExemption({ ...r, cluster }, undefined, config, { entity: entityRef, cluster }, now),
  );
  const pss = new Map(output.checks.map(c => [c.id, c.pssLevel]));
  // kept with the results: the store adds an entity's clusters up from their tallies
  const tally = tallyResults(results, { weights: config.weights, pssLevelOf: id => pss.get(id) });
  const scorecard: ClusterScorecard = {
    cluster,
    collectedAt,
    stale: false,
    error: null,
    workloads: workloads.map(w => w.ref),
    scorecard: scorecardOf(tally),
  };
  const resources = workloads.flatMap(w => (w.resources ? [w.resources] : []));
  if (resources.length > 0) scorecard.resources = resources;
  return { results, scorecard, tally };
}

/** Where a workload runs and what it is: the key two entities' claims are compared on. */
function workloadKey(cluster: string, w: { kind: string; namespace?: string; name: string }): string {
  return JSON.stringify([cluster, w.kind, w.namespace ?? '', w.name]);
}

/**
 * Records on each entity (`match.sharedWith`), and on each of its clusters (`sharedWith`), the other
 * entities whose selectors claim one of its workloads in this run's clusters. The API shows an
 * entity's posture only to a caller who may read every entity it shares a workload with, in any
 * cluster it has rows in (the store's `sharedClaims`), so a selector cannot reveal the workloads
 * of an entity the caller is denied (see docs/security.md).
 */
export async function markSharedClaims(entities: EntityScorecard[]): Promise<void> {
  const claimants = new Map<string, Set<string>>();
  await forEachInTurns(entities, e => {
    for (const c of e.clusters) {
      for (const w of c.workloads) {
        const key = workloadKey(c.cluster, w);
        const set = claimants.get(key);
        if (set) set.add(e.entityRef);
        else claimants.set(key, new Set([e.entityRef]));
      }
    }
  });
  await forEachInTurns(entities, e => {
    const shared = new Set<string>();
    for (const c of e.clusters) {
      // per cluster too: the store keeps them with the cluster's row, which outlives this run's
      // entity row when a later run collects another cluster
      const inCluster = new Set<string>();
      for (const w of c.workloads) {
        for (const ref of claimants.get(workloadKey(c.cluster, w)) ?? []) if (ref !== e.entityRef) inCluster.add(ref);
      }
      if (inCluster.size > 0) {
        c.sharedWith = [...inCluster].sort();
        for (const ref of inCluster) shared.add(ref);
      }
    }
    if (shared.size > 0) e.match = { ...e.match, sharedWith: [...shared].sort() };
  });
}
