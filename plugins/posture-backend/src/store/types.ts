import {
  CheckMetadata,
  ClusterStatus,
  EntityScorecard,
  Grade,
  Level,
  OverviewQuery,
  ScoringOptions,
} from '@posture-dev/backstage-plugin-posture-common';
import { SerialisedClusterResults } from './tallies';

export type { SerialisedClusterResults } from './tallies';

/**
 * An entity of a run. Its results in a cluster come either in `results` (each carrying `cluster`)
 * or, already serialised with their sums, in `serialised` under the cluster's name; a cluster
 * listed there has none of its results in `results`. The store writes a serialised cluster's
 * JSON as it is and adds up its tally, so that a large cluster's results are never held as
 * objects on the backend's main thread (see runClusterJob).
 */
export type SaveRunEntity = EntityScorecard & {
  serialised?: Record<string, SerialisedClusterResults>;
};

export const DEFAULT_RETENTION_DAYS = 365;
export const DEFAULT_OVERVIEW_LIMIT = 50;
export const MAX_OVERVIEW_LIMIT = 500;

/**
 * One collection run, saved by `PostureStore.saveRun`: checked whole, then saved one batch of
 * entities per transaction, each entity whole; the run is recorded with its last batch.
 */
export interface SaveRunInput {
  startedAt: string;
  finishedAt: string;
  /**
   * The status of every cluster attempted in this run. A cluster whose status
   * has `error === null` counts as collected: its per-entity rows are replaced
   * by what `entities` says. The rows of any other cluster are kept as they are.
   */
  clusterStatuses: ClusterStatus[];
  /**
   * Every entity evaluated in this run. `clusters` and `results` cover only the
   * clusters that succeeded; results should carry `cluster` (a result without it
   * is attributed to the entity's only cluster, or kept at entity level).
   * Entities not listed are left untouched.
   */
  entities: SaveRunEntity[];
  /** entities gone from the catalog: their scorecards, cluster rows and history are deleted */
  removedEntityRefs?: string[];
  /** clusters no longer configured: their status and per-entity rows are deleted */
  removedClusters?: string[];
  /** history older than this (relative to `finishedAt`) is pruned; default 365 */
  retentionDays?: number;
  /**
   * How results are scored. With it, the store keeps each entity-and-cluster row's score tally, and
   * an entity's combined score covers its fresh results and the kept rows of its other clusters
   * (the caller's `combined` only covers the clusters of this run), added up from those rows'
   * tallies, never from their results. Without it, the caller's `combined` is stored as given.
   */
  scoring?: ScoringOptions;
  /**
   * Entity ref → the clusters it may have workloads in. An entity gets no history point while one
   * of those clusters has no status yet (never attempted: the per-cluster runs of a first cycle),
   * as seen inside the save's transaction, so that history does not step through one partial
   * score per cluster; the save that completes the set writes the point.
   */
  historyWaitsFor?: Record<string, string[]>;
}

export interface GradeLevel {
  grade: Grade | null;
  level: Level;
}

export interface Regression {
  entityRef: string;
  owner: string | null;
  from: GradeLevel;
  to: GradeLevel;
}

export interface SaveRunResult {
  /** entities whose scores changed in this run (new entities included) */
  changed: string[];
  /** entities whose overall grade or level dropped */
  regressions: Regression[];
}

export interface RunSummary {
  startedAt: string;
  finishedAt: string;
  entities: number;
  changed: number;
  regressions: number;
}

/** Restricts reads to the entities the caller may see; undefined means all. */
export interface ReadScope {
  allowedRefs?: Set<string> | undefined;
}

export type OverviewStoreQuery = OverviewQuery & ReadScope;

export interface GroupRollupOptions extends ReadScope {
  /** the group's entities; when absent, entities whose owner is the group */
  ownedRefs?: string[];
  /** roll up the entities owned by any of these groups (the group and its descendants) instead of the group alone */
  owners?: string[];
  /** the check catalog, for titles of the worst checks (falls back to the store's) */
  checks?: CheckMetadata[];
  /** how many worst checks to return; default 10 */
  worstChecksLimit?: number;
}

/** A stored history point with its entity, for trends and burn-downs. */
export interface HistoryRow {
  entityRef: string;
  at: string;
  scalability: number | null;
  security: number | null;
  overall: number | null;
  grade: Grade | null;
  level: Level;
}
