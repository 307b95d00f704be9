import {
  CheckResult,
  CheckStatus,
  ClusterStatus,
  EntityScorecard,
  Pillar,
  Severity,
  scoreResults,
} from '@posture-dev/backstage-plugin-posture-common';

/** Test data builders: scorecards are computed with the real scoring, never written by hand. */

export const PSS_OF: Record<string, 'baseline' | 'restricted'> = {
  'privileged-container': 'baseline',
  'run-as-non-root': 'restricted',
};

export const pssLevelOf = (checkId: string) => PSS_OF[checkId];

export function result(
  checkId: string,
  outcome: CheckStatus,
  options: {
    cluster?: string;
    severity?: Severity;
    pillar?: Pillar;
    workload?: string;
  } = {},
): CheckResult {
  return {
    checkId,
    status: outcome,
    severity: options.severity ?? 'medium',
    pillar: options.pillar ?? 'security',
    message: `${checkId} ${outcome}`,
    subject: {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      namespace: 'shop',
      name: options.workload ?? 'web',
    },
    evidence:
      outcome === 'fail'
        ? [
            {
              path: 'spec.template.spec.containers[0].securityContext',
              value: '{}',
              container: 'app',
            },
          ]
        : [],
    ...(options.cluster ? { cluster: options.cluster } : {}),
  };
}

export interface EntitySpec {
  name: string;
  kind?: string;
  namespace?: string;
  title?: string | null;
  owner?: string | null;
  system?: string | null;
  lifecycle?: string | null;
  /** cluster name -> that cluster's results (the `cluster` field is filled in) */
  clusters?: Record<string, CheckResult[]>;
  state?: EntityScorecard['state'];
  at?: string;
}

export function entity(spec: EntitySpec): EntityScorecard {
  const kind = spec.kind ?? 'Component';
  const namespace = spec.namespace ?? 'default';
  const at = spec.at ?? '2025-01-01T00:00:00.000Z';
  const perCluster = Object.entries(spec.clusters ?? {}).map(
    ([cluster, rs]) => ({
      cluster,
      results: rs.map(r => ({ ...r, cluster })),
    }),
  );
  const results = perCluster.flatMap(c => c.results);
  const state = spec.state ?? (perCluster.length ? 'scored' : 'no-workloads');
  return {
    entityRef: `${kind.toLowerCase()}:${namespace}/${spec.name}`,
    kind,
    namespace,
    name: spec.name,
    title: spec.title ?? null,
    owner: spec.owner === undefined ? 'group:default/team-a' : spec.owner,
    system: spec.system ?? null,
    lifecycle: spec.lifecycle ?? 'production',
    match: {
      kubernetesId: state === 'no-annotations' ? null : spec.name,
      labelSelector: null,
      namespace: null,
      clusters: perCluster.map(c => c.cluster),
    },
    state,
    combined: perCluster.length ? scoreResults(results, { pssLevelOf }) : null,
    clusters: perCluster.map(c => ({
      cluster: c.cluster,
      collectedAt: at,
      stale: false,
      error: null,
      workloads: [
        {
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          namespace: 'shop',
          name: spec.name,
        },
      ],
      scorecard: scoreResults(c.results, { pssLevelOf }),
    })),
    results,
    updatedAt: at,
    lastChangedAt: null,
  };
}

export function status(
  name: string,
  at: string,
  error: string | null = null,
): ClusterStatus {
  return {
    name,
    type: 'kubernetes',
    collectedAt: error ? null : at,
    lastAttemptAt: at,
    durationMs: 1234,
    objectCounts: error ? {} : { Deployment: 3, Service: 2 },
    error,
    stale: error !== null,
  };
}

/** A failed cluster status that still reports when its data was last good. */
export function failedStatus(
  name: string,
  at: string,
  lastGood: string,
  error: string,
): ClusterStatus {
  return { ...status(name, at, error), collectedAt: lastGood };
}
