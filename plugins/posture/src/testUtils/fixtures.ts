import { Entity } from '@backstage/catalog-model';
import { ResponseError } from '@backstage/errors';
import {
  CheckResult,
  CheckSummary,
  ClusterScorecard,
  EntityScorecard,
  GroupRollup,
  HistoryPoint,
  OverviewResponse,
  OverviewRow,
  PostureApi,
  Scorecard,
} from '@posture-dev/backstage-plugin-posture-common';

export const NOW = Date.parse('2024-06-01T12:00:00Z');

export const componentEntity: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'checkout',
    namespace: 'default',
    annotations: { 'backstage.io/kubernetes-id': 'checkout' },
  },
  spec: { type: 'service', owner: 'group:default/team-a', lifecycle: 'production' },
};

export const groupEntity: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Group',
  metadata: { name: 'team-a', namespace: 'default' },
  spec: { type: 'team', children: [] },
};

export function scorecard(overrides: Partial<Scorecard> = {}): Scorecard {
  return {
    scores: { scalability: 62, security: 85 },
    grades: { scalability: 'D', security: 'B', overall: 'C' },
    overall: 74,
    level: 'Bronze',
    pssLevel: 'baseline',
    counts: { pass: 3, fail: 3, 'not-applicable': 1, exempt: 1, error: 0 },
    failingBySeverity: { critical: 0, high: 1, medium: 1, low: 1 },
    ...overrides,
  };
}

const deployment = (name: string) => ({ apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'shop', name });

export function result(overrides: Partial<CheckResult> & Pick<CheckResult, 'checkId'>): CheckResult {
  return {
    status: 'fail',
    severity: 'medium',
    pillar: 'security',
    message: `${overrides.checkId} message`,
    subject: deployment('checkout'),
    evidence: [],
    cluster: 'prod-eu',
    ...overrides,
  };
}

export const RESULTS: CheckResult[] = [
  result({
    checkId: 'replicas',
    pillar: 'scalability',
    severity: 'high',
    message: 'Runs a single replica',
    evidence: [{ path: 'spec.replicas', value: '1' }],
  }),
  result({
    checkId: 'read-only-root-filesystem',
    pillar: 'security',
    severity: 'medium',
    message: 'Container app can write its root filesystem',
    evidence: [
      {
        path: 'spec.template.spec.containers[0].securityContext.readOnlyRootFilesystem',
        container: 'app',
      },
    ],
  }),
  result({
    checkId: 'read-only-root-filesystem',
    pillar: 'security',
    severity: 'medium',
    subject: deployment('checkout-worker'),
    cluster: 'prod-us',
    evidence: [
      {
        path: 'spec.template.spec.containers[1].securityContext.readOnlyRootFilesystem',
        container: 'sidecar',
      },
    ],
  }),
  result({ checkId: 'run-as-non-root', pillar: 'security', severity: 'high', status: 'pass', message: 'Runs as non-root' }),
  result({
    checkId: 'image-tag',
    pillar: 'security',
    severity: 'low',
    status: 'fail',
    message: 'Uses the latest tag',
    evidence: [{ path: 'spec.template.spec.containers[0].image', value: 'shop/checkout:latest', container: 'app' }],
    exemption: { reason: 'legacy build pipeline', until: '2024-01-01', expired: true, source: 'annotation' },
  }),
  result({
    checkId: 'host-network',
    pillar: 'security',
    severity: 'critical',
    status: 'exempt',
    message: 'Uses the host network',
    exemption: { reason: 'CNI agent', until: '2025-01-01', expired: false, source: 'config' },
  }),
  result({ checkId: 'pdb', pillar: 'scalability', severity: 'medium', status: 'pass', message: 'Has a PodDisruptionBudget' }),
];

export function checkMeta(overrides: Partial<CheckSummary> & Pick<CheckSummary, 'id'>): CheckSummary {
  return {
    title: overrides.id,
    pillar: 'security',
    category: 'hardening',
    severity: 'medium',
    rationale: `Why ${overrides.id} matters`,
    remediation: { text: `Fix ${overrides.id}`, patch: `spec:\n  fix: ${overrides.id}\n` },
    references: {},
    failingEntities: 0,
    entityRefs: [],
    scoredEntities: 3,
    failingByOwner: [],
    ...overrides,
  };
}

export const CHECKS: CheckSummary[] = [
  checkMeta({
    id: 'replicas',
    title: 'Runs more than one replica',
    pillar: 'scalability',
    category: 'availability',
    severity: 'high',
    remediation: { text: 'Run at least two replicas.', patch: 'spec:\n  replicas: 2\n' },
    references: { polaris: ['deploymentMissingReplicas'], kubeScore: ['deployment-replicas'] },
    failingEntities: 2,
    entityRefs: ['component:default/checkout', 'component:default/cart'],
    failingByOwner: [
      { owner: 'group:default/team-a', failing: 1, entityRefs: ['component:default/checkout'] },
      { owner: null, failing: 1, entityRefs: ['component:default/cart'] },
    ],
  }),
  checkMeta({ id: 'pdb', title: 'Has a PodDisruptionBudget', pillar: 'scalability', category: 'availability' }),
  checkMeta({
    id: 'read-only-root-filesystem',
    title: 'Read-only root filesystem',
    category: 'hardening',
    references: { kubescape: ['C-0017'], nsa: ['immutable-containers'], cis: ['5.7.3'] },
    failingEntities: 1,
    entityRefs: ['component:default/checkout'],
    failingByOwner: [{ owner: 'group:default/team-a', failing: 1, entityRefs: ['component:default/checkout'] }],
  }),
  checkMeta({
    id: 'run-as-non-root',
    title: 'Runs as non-root',
    category: 'pod-security',
    severity: 'high',
    pssLevel: 'restricted',
    references: { pss: ['runAsNonRoot'] },
  }),
  checkMeta({ id: 'image-tag', title: 'Pinned image tag', category: 'supply-chain', severity: 'low' }),
  checkMeta({ id: 'host-network', title: 'No host network', category: 'pod-security', severity: 'critical' }),
];

export function clusterScorecard(overrides: Partial<ClusterScorecard> = {}): ClusterScorecard {
  return {
    cluster: 'prod-eu',
    collectedAt: '2024-06-01T11:55:00Z',
    stale: false,
    error: null,
    workloads: [deployment('checkout')],
    scorecard: scorecard(),
    ...overrides,
  };
}

export function entityScorecard(overrides: Partial<EntityScorecard> = {}): EntityScorecard {
  return {
    entityRef: 'component:default/checkout',
    kind: 'Component',
    namespace: 'default',
    name: 'checkout',
    title: null,
    owner: 'group:default/team-a',
    system: 'system:default/shop',
    lifecycle: 'production',
    match: { kubernetesId: 'checkout', labelSelector: null, namespace: null, clusters: ['prod-eu', 'prod-us'] },
    state: 'scored',
    combined: scorecard(),
    clusters: [
      clusterScorecard(),
      clusterScorecard({
        cluster: 'prod-us',
        collectedAt: '2024-06-01T09:00:00Z',
        stale: true,
        error: 'connect ECONNREFUSED 10.0.0.1:443',
        workloads: [deployment('checkout-worker')],
      }),
    ],
    results: RESULTS,
    updatedAt: '2024-06-01T11:55:00Z',
    lastChangedAt: '2024-05-30T08:00:00Z',
    ...overrides,
  };
}

export const HISTORY: HistoryPoint[] = [
  { at: '2024-05-01T00:00:00Z', scalability: 80, security: 90, overall: 85, grade: 'B', level: 'Silver', pssLevel: 'baseline', regression: null },
  { at: '2024-05-10T00:00:00Z', scalability: 62, security: 92, overall: 75, grade: 'C', level: 'Bronze', pssLevel: 'baseline',
    regression: { from: { grade: 'B', level: 'Silver' }, to: { grade: 'C', level: 'Bronze' } } },
  { at: '2024-05-20T00:00:00Z', scalability: 62, security: 85, overall: 74, grade: 'C', level: 'Bronze', pssLevel: 'baseline', regression: null },
];

export function overviewRow(overrides: Partial<OverviewRow> & Pick<OverviewRow, 'name'>): OverviewRow {
  return {
    entityRef: `component:default/${overrides.name}`,
    kind: 'Component',
    namespace: 'default',
    title: null,
    owner: 'group:default/team-a',
    system: 'system:default/shop',
    lifecycle: 'production',
    clusters: ['prod-eu'],
    state: 'scored',
    scalability: 90,
    security: 95,
    overall: 93,
    grade: 'A',
    level: 'Gold',
    pssLevel: 'restricted',
    lastChangedAt: '2024-05-30T08:00:00Z',
    ...overrides,
  };
}

export function overviewResponse(rows: OverviewRow[] = [
  overviewRow({ name: 'checkout', scalability: 62, security: 85, grade: 'C', level: 'Bronze', pssLevel: 'baseline' }),
  overviewRow({ name: 'cart' }),
], total = rows.length): OverviewResponse {
  return {
    total,
    rows,
    distribution: {
      grades: {
        scalability: { A: 1, B: 0, C: 0, D: 1, F: 0, none: 0 },
        security: { A: 1, B: 1, C: 0, D: 0, F: 0, none: 0 },
        overall: { A: 1, B: 0, C: 1, D: 0, F: 0, none: 0 },
      },
      levels: { Gold: 1, Silver: 0, Bronze: 1, None: 0, none: 0 },
      pssLevels: { restricted: 1, baseline: 1, privileged: 0, none: 0 },
    },
    points: rows
      .filter(r => r.scalability !== null && r.security !== null)
      .map(r => ({ entityRef: r.entityRef, name: r.name, scalability: r.scalability!, security: r.security!, grade: r.grade })),
  };
}

export const GROUP_ROLLUP: GroupRollup = {
  groupRef: 'group:default/team-a',
  entities: overviewResponse().rows,
  averages: { scalability: 76, security: 90, overall: 83 },
  levels: { Gold: 1, Silver: 0, Bronze: 1, None: 0, none: 0 },
  worstChecks: [
    { checkId: 'replicas', title: 'Runs more than one replica', severity: 'high', failing: 2, entities: ['component:default/checkout', 'component:default/cart'] },
    { checkId: 'image-tag', title: 'Pinned image tag', severity: 'low', failing: 1, entities: ['component:default/checkout'] },
  ],
};

export function templateEntity(name: string, guarantees?: string, tags = ['golden-path']): Entity {
  return {
    apiVersion: 'scaffolder.backstage.io/v1beta3',
    kind: 'Template',
    metadata: {
      name,
      namespace: 'default',
      title: `Template ${name}`,
      description: `Starts a ${name} service`,
      tags,
      annotations: guarantees ? { 'posture.backstage.io/guarantees': guarantees } : {},
    },
    spec: { type: 'service', steps: [] },
  };
}

/** A PostureApi whose every method is a jest mock, resolving to the fixtures by default. */
export function mockPostureApi(overrides: Partial<jest.Mocked<PostureApi>> = {}): jest.Mocked<PostureApi> {
  return {
    getEntityScorecard: jest.fn().mockResolvedValue(entityScorecard()),
    getEntityHistory: jest.fn().mockResolvedValue(HISTORY),
    getOverview: jest.fn().mockResolvedValue(overviewResponse()),
    getOverviewCsvUrl: jest.fn().mockResolvedValue('http://localhost/api/posture/overview.csv'),
    getOverviewCsv: jest.fn().mockResolvedValue('entityRef,name\ncomponent:default/checkout,checkout\n'),
    getGroupRollup: jest.fn().mockResolvedValue(GROUP_ROLLUP),
    listChecks: jest.fn().mockResolvedValue(CHECKS),
    listClusters: jest.fn().mockResolvedValue([]),
    refresh: jest.fn().mockResolvedValue(undefined),
    listExemptions: jest.fn().mockResolvedValue({ total: 0, exemptions: [] }),
    getSetup: jest.fn().mockResolvedValue({ clustersConfigured: 1 }),
    ...overrides,
  };
}

/** The error PostureClient throws for a non-2xx response. */
export async function responseError(status: number, message = `status ${status}`): Promise<ResponseError> {
  const body = JSON.stringify({
    error: { name: status === 403 ? 'NotAllowedError' : 'Error', message },
    response: { statusCode: status },
  });
  const headers = new Map([['content-type', 'application/json']]);
  return ResponseError.fromResponse({
    headers: {
      append: () => {},
      delete: () => {},
      get: (name: string) => headers.get(name.toLowerCase()) ?? null,
      has: (name: string) => headers.has(name.toLowerCase()),
      set: () => {},
      forEach: cb => headers.forEach((v, k) => cb(v, k)),
      entries: () => headers.entries(),
      keys: () => headers.keys(),
      values: () => headers.values(),
      [Symbol.iterator]: () => headers.entries(),
    },
    ok: false,
    redirected: false,
    status,
    statusText: message,
    type: 'basic',
    url: 'http://localhost/api/posture',
    text: async () => body,
  });
}
