import { InputError } from '@backstage/errors';
import {
  EntityScorecard,
  Grade,
  Level,
  OverviewRow,
  PssLevel,
} from '@posture-dev/backstage-plugin-posture-common';

export const T = {
  clusters: 'posture_clusters',
  entities: 'posture_entities',
  entityClusters: 'posture_entity_clusters',
  failures: 'posture_entity_failures',
  history: 'posture_history',
  runs: 'posture_runs',
  absence: 'posture_entity_absence',
  dataVersion: 'posture_data_version',
} as const;

/** The columns of `posture_entities` that an overview row needs (no JSON blobs but `clusters`). */
export interface OverviewDbRow {
  entity_ref: string;
  kind: string;
  namespace: string;
  name: string;
  title: string | null;
  owner: string | null;
  system: string | null;
  lifecycle: string | null;
  clusters: string;
  state: string;
  scalability: number | string | null;
  security: number | string | null;
  overall: number | string | null;
  grade: string | null;
  scalability_grade: string | null;
  security_grade: string | null;
  level: string | null;
  pss_level: string | null;
  last_changed_at: string | null;
}

export const OVERVIEW_COLUMNS: (keyof OverviewDbRow)[] = [
  'entity_ref',
  'kind',
  'namespace',
  'name',
  'title',
  'owner',
  'system',
  'lifecycle',
  'clusters',
  'state',
  'scalability',
  'security',
  'overall',
  'grade',
  'scalability_grade',
  'security_grade',
  'level',
  'pss_level',
  'last_changed_at',
];

export interface EntityDbRow extends OverviewDbRow {
  match: string;
  combined: string | null;
  results: string;
  updated_at: string;
}

export interface EntityClusterDbRow {
  entity_ref: string;
  cluster: string;
  collected_at: string;
  stale: boolean | number;
  error: string | null;
  workloads: string;
  scorecard: string;
  results: string;
  /** WorkloadResources[] as JSON; null without a usage source */
  resources?: string | null;
  /** replaced by every write of `results` (PostureStore's entityBodiesOf); null on rows written before it */
  results_token?: string | null;
  /** the entities sharing a workload in this cluster (ClusterScorecard.sharedWith) as JSON; null for none */
  shared_with?: string | null;
  over_cpu_cores?: number | string | null;
  over_memory_bytes?: number | string | null;
  requested_cpu_cores?: number | string | null;
  requested_memory_bytes?: number | string | null;
}

export interface ClusterDbRow {
  name: string;
  type: string;
  collected_at: string | null;
  last_attempt_at: string | null;
  duration_ms: number | string | null;
  object_counts: string;
  error: string | null;
  stale: boolean | number;
}

export interface HistoryDbRow {
  id: number;
  entity_ref: string;
  at: string;
  scalability: number | string | null;
  security: number | string | null;
  overall: number | string | null;
  grade: string | null;
  level: string;
  pss_level: string;
  regression: string | null;
}

/** pg returns some numeric types as strings; SQLite returns booleans as 0/1. */
export function num(v: number | string | null | undefined): number | null {
  return v === null || v === undefined ? null : Number(v);
}

export function bool(v: boolean | number | string | null | undefined): boolean {
  return v === true || v === 1 || v === '1' || v === 'true';
}

/** Entity refs are case-insensitive in Backstage; the store keys them in lower case. */
export function normRef(ref: string): string {
  return ref.toLocaleLowerCase('en-US');
}

export function normOptRef(ref: string | null | undefined): string | null {
  return ref ? normRef(ref) : null;
}

/** Every stored timestamp is `toISOString()` output, so text comparison is time order. */
export function toIso(value: string | Date, what: string): string {
  const d = value instanceof Date ? value : new Date(value);
  if (typeof value === 'string' && value.trim() === '') {
    throw new InputError(`${what} must be a date, got an empty string`);
  }
  if (Number.isNaN(d.getTime())) {
    throw new InputError(
      `${what} must be an ISO date, got ${JSON.stringify(value)}`,
    );
  }
  return d.toISOString();
}

export function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size)
    out.push(items.slice(i, i + size));
  return out;
}

/** The bytes a row's values take as query parameters: its strings' UTF-16 length, or its bytes. */
export function rowBytes(row: Record<string, unknown>): number {
  let n = 0;
  for (const k in row) {
    const v = row[k];
    if (typeof v === 'string' || v instanceof Uint8Array) n += v.length;
    else n += 8;
  }
  return n;
}

/**
 * Items in consecutive groups of at most `size` items and `maxWeight` of their summed weights, an item
 * heavier than that alone.
 */
export function chunkByWeight<T>(items: readonly T[], size: number, maxWeight: number, weightOf: (item: T) => number): T[][] {
  const out: T[][] = [];
  let group: T[] = [];
  let weight = 0;
  for (const item of items) {
    const w = weightOf(item);
    if (group.length > 0 && (group.length >= size || weight + w > maxWeight)) {
      out.push(group);
      group = [];
      weight = 0;
    }
    group.push(item);
    weight += w;
  }
  if (group.length > 0) out.push(group);
  return out;
}

/**
 * Rows in consecutive groups of at most `size` rows and about `maxBytes` of values (rowBytes). A
 * statement's parameters are serialised in one piece, synchronously on the event loop (the driver
 * copies them into one buffer), so its bytes, not its row count, are what hold up every request
 * while it is sent.
 */
export function chunkRows<R extends Record<string, unknown>>(rows: readonly R[], size: number, maxBytes: number): R[][] {
  return chunkByWeight(rows, size, maxBytes, rowBytes);
}

export function toOverviewRow(r: OverviewDbRow): OverviewRow {
  return {
    entityRef: r.entity_ref,
    kind: r.kind,
    namespace: r.namespace,
    name: r.name,
    title: r.title,
    owner: r.owner,
    system: r.system,
    lifecycle: r.lifecycle,
    clusters: JSON.parse(r.clusters) as string[],
    state: r.state as EntityScorecard['state'],
    scalability: num(r.scalability),
    security: num(r.security),
    overall: num(r.overall),
    grade: r.grade as Grade | null,
    level: r.level as Level | null,
    pssLevel: r.pss_level as PssLevel | null,
    lastChangedAt: r.last_changed_at,
  };
}
