import {
  CheckMetadata,
  CheckResult,
  ExemptionInfo,
  Severity,
  Grade,
  Level,
  ObjectRef,
  PssLevel,
  Scorecard,
  WorkloadResources,
} from './types';
import { ResourceAmount } from './resources';
import { QuadrantId } from './quadrant';

/** Status of one cluster source, as of its latest collection attempt. */
export interface ClusterStatus {
  name: string;
  type: 'kubernetes' | 'manifests';
  /** when the data we hold was collected (last success); null if never */
  collectedAt: string | null;
  lastAttemptAt: string | null;
  durationMs: number | null;
  objectCounts: Record<string, number>;
  /** the latest attempt's error; the data from `collectedAt` is still served */
  error: string | null;
  /** the latest attempt failed, or the data is older than two collection intervals */
  stale: boolean;
}

/** An entity's scorecard in one cluster. */
export interface ClusterScorecard {
  cluster: string;
  collectedAt: string;
  stale: boolean;
  error: string | null;
  workloads: ObjectRef[];
  scorecard: Scorecard;
  /** requested against used, for the workloads a usage source (Prometheus, a VPA) covers */
  resources?: WorkloadResources[];
  /**
   * Other entities whose selectors claim one of this cluster's workloads of the entity. Kept with the
   * cluster's row, so a later run of another cluster does not drop them; the API shows the entity only
   * to callers who may read each of them, in every cluster it has rows in.
   */
  sharedWith?: string[];
}

/** How an entity was matched to workloads, so the UI can explain an empty result. */
export interface EntityMatch {
  /** null when the entity has none of the kubernetes annotations */
  kubernetesId: string | null;
  labelSelector: string | null;
  namespace: string | null;
  /** clusters searched (`backstage.io/kubernetes-cluster` narrows them) */
  clusters: string[];
  /** why the annotations could not be used, e.g. a label selector that does not parse */
  error?: string;
  /**
   * Other entities whose selectors claim one of this entity's workloads. The API shows this
   * entity's posture only to callers who may read each of them.
   */
  sharedWith?: string[];
}

export interface EntityScorecard {
  entityRef: string;
  kind: string;
  namespace: string;
  name: string;
  title: string | null;
  owner: string | null;
  system: string | null;
  lifecycle: string | null;
  match: EntityMatch;
  /**
   * `scored`; `no-annotations` (nothing tells us which workloads are its own);
   * `no-workloads` (the selector matched nothing in the clusters searched)
   */
  state: 'scored' | 'no-annotations' | 'no-workloads';
  /** the combined score over every cluster the entity runs in */
  combined: Scorecard | null;
  clusters: ClusterScorecard[];
  results: CheckResult[];
  updatedAt: string;
  /** when the combined scores last changed */
  lastChangedAt: string | null;
}

export interface HistoryPoint {
  at: string;
  scalability: number | null;
  security: number | null;
  overall: number | null;
  grade: Grade | null;
  level: Level;
  pssLevel: PssLevel;
  /** set when the grade or level dropped from the previous point */
  regression: { from: { grade: Grade | null; level: Level }; to: { grade: Grade | null; level: Level } } | null;
}

export interface OverviewRow {
  entityRef: string;
  kind: string;
  namespace: string;
  name: string;
  title: string | null;
  owner: string | null;
  system: string | null;
  lifecycle: string | null;
  clusters: string[];
  state: EntityScorecard['state'];
  scalability: number | null;
  security: number | null;
  overall: number | null;
  grade: Grade | null;
  level: Level | null;
  pssLevel: PssLevel | null;
  lastChangedAt: string | null;
}

export type OverviewSortField =
  | 'name'
  | 'owner'
  | 'system'
  | 'scalability'
  | 'security'
  | 'overall'
  | 'grade'
  | 'level'
  | 'lastChangedAt';

export interface OverviewQuery {
  owner?: string[];
  system?: string[];
  kind?: string[];
  lifecycle?: string[];
  cluster?: string[];
  grade?: Grade[];
  level?: Level[];
  /**
   * Only scored services in these balance quadrants. It narrows rows, total and distribution but
   * not `points`: the chart keeps every quadrant to click on, like a facet.
   */
  quadrant?: QuadrantId[];
  q?: string;
  sort?: OverviewSortField;
  order?: 'asc' | 'desc';
  limit?: number;
  offset?: number;
  /** true: only entities with at least one exempt result; false: only entities with none */
  exempted?: boolean;
}

export interface Distribution {
  /** per pillar and overall: count of services per grade */
  grades: Record<'scalability' | 'security' | 'overall', Record<Grade | 'none', number>>;
  levels: Record<Level | 'none', number>;
  pssLevels: Record<PssLevel | 'none', number>;
}

export interface OverviewResponse {
  total: number;
  rows: OverviewRow[];
  /** over every row that matches the filter, not just this page */
  distribution: Distribution;
  /**
   * scalability × security for every matching row, for the balance quadrant; the `quadrant`
   * filter is the one filter not applied here
   */
  points: { entityRef: string; name: string; scalability: number; security: number; grade: Grade | null }[];
}

export interface GroupRollup extends Partial<GroupRollupCoverage> {
  groupRef: string;
  entities: OverviewRow[];
  averages: { scalability: number | null; security: number | null; overall: number | null };
  levels: Record<Level | 'none', number>;
  /** checks failing most often across the group's entities */
  worstChecks: { checkId: string; title: string; severity: string; failing: number; entities: string[] }[];
}

export interface CheckSummary extends CheckMetadata {
  /** how many scored entities fail it */
  failingEntities: number;
  /** the failing entities (GET /checks lists the first 50 only; `failingEntities` has the count) */
  entityRefs: string[];
  /**
   * The scored entities the caller may read, failing or not: the denominator of
   * `failingEntities` ("fails in 7 of 8 scored services"). Absent from older backends.
   */
  scoredEntities?: number;
  /**
   * The failing entities by owner, the owners with most failing first. `failing` is the full count;
   * GET /checks shares its 50 listed refs among the owners. Absent from older backends.
   */
  failingByOwner?: CheckOwnerFailures[];
}

/** One owner's share of a check's failures. */
export interface CheckOwnerFailures {
  /** the owner's entity ref; null for entities without an owner */
  owner: string | null;
  /** how many of the owner's entities fail the check (the full count) */
  failing: number;
  /** those entities, or the first of them (see `CheckSummary.failingByOwner`) */
  entityRefs: string[];
}

/** Which entities a group roll-up covers: the whole subtree below the group, or only what it owns itself. */
export type GroupScope = 'tree' | 'direct';

/** The extra facts of a roll-up along the group hierarchy (GET /groups/... returns GroupRollup & these). */
export interface GroupRollupCoverage {
  scope: GroupScope;
  /** the groups whose entities are rolled up: the group itself, then its descendants */
  groups: string[];
  /** entities rolled up, and how many of them are scored (averages are over the scored ones) */
  counts: { total: number; scored: number };
  /** per direct child group (with its own subtree), when scope is `tree` */
  children: { groupRef: string; total: number; scored: number; overall: number | null }[];
}

/** One point of an average score over time, over the entities that had a score then. */
export interface TrendPoint {
  at: string;
  scalability: number | null;
  security: number | null;
  overall: number | null;
  /** entities with a score at this time */
  scored: number;
}

export interface TrendResponse {
  /** `org` for every readable entity, otherwise the group ref */
  scope: string;
  points: TrendPoint[];
}

/** What a campaign asks of every service in its scope. */
export type CampaignTarget =
  | { type: 'level'; level: Exclude<Level, 'None'> }
  | { type: 'score'; score: number; pillar: 'overall' | 'scalability' | 'security' }
  | { type: 'check'; checkId: string };

export interface CampaignScope {
  owners?: string[];
  systems?: string[];
  lifecycles?: string[];
  tags?: string[];
}

export interface CampaignDefinition {
  id: string;
  title: string;
  description: string | null;
  target: CampaignTarget;
  /** ISO date (YYYY-MM-DD) by which every service in scope should meet the target */
  deadline: string;
  /** ISO date the campaign started (its burn-down begins there); null when not set */
  startsAt: string | null;
  scope: CampaignScope;
  /** owners still short are notified this many days before the deadline */
  notifyDaysBefore: number;
}

export interface CampaignProgress {
  total: number;
  met: number;
  /** met / total in percent, null when nothing is in scope */
  percent: number | null;
}

export interface CampaignSummary extends CampaignDefinition {
  progress: CampaignProgress;
  /** whole days from today to the deadline (negative when past) */
  daysLeft: number;
}

/** A service in a campaign's scope, with why it does not meet the target yet. */
export interface CampaignEntity {
  entityRef: string;
  title: string | null;
  owner: string | null;
  state: EntityScorecard['state'];
  met: boolean;
  grade: Grade | null;
  level: Level | null;
  overall: number | null;
  /** failing checks that stand between it and the target, worst first */
  blockingChecks: { checkId: string; title: string; severity: string }[];
  /** why it is short, in words (e.g. "not scored: no workloads matched") */
  reason: string | null;
}

export interface CampaignDetail extends CampaignSummary {
  byOwner: { owner: string | null; total: number; met: number }[];
  entities: CampaignEntity[];
  /** services in scope still short over time, from the stored history */
  burndown: { at: string; short: number; total: number }[];
}

/** The campaigns one entity is part of (its Posture tab). */
export interface EntityCampaign {
  id: string;
  title: string;
  deadline: string;
  daysLeft: number;
  target: CampaignTarget;
  met: boolean;
  blockingChecks: CampaignEntity['blockingChecks'];
}

/**
 * One exemption in force (or expired) on one result, for the platform team's audit: what is
 * exempted, from which check, why, until when, and who declared it where.
 */
export interface ExemptionEntry {
  entityRef: string;
  owner: string | null;
  /** null for a result not attributed to one cluster */
  cluster: string | null;
  checkId: string;
  severity: Severity;
  /** the exempted object (for an annotation, the object that carries it) */
  subject: ObjectRef;
  source: ExemptionInfo['source'];
  reason: string;
  until: string | null;
  /** past `until`: the result counts as a failure again */
  expired: boolean;
  /**
   * Where it is declared, which says who can change it: the annotation on the object (whoever
   * writes its manifests) or `posture.engine.exemptions` in the backend config (the platform).
   */
  declaredIn: string;
}

export interface ExemptionsQuery {
  entityRef?: string[];
  source?: ExemptionInfo['source'][];
  expired?: boolean;
}

export interface ExemptionsResponse {
  total: number;
  exemptions: ExemptionEntry[];
}

/** One team's share of the right-sizing estimate (see `rightSizingOf`). */
export interface RightSizingTeam {
  /** the owning group's ref; null for services without an owner */
  owner: string | null;
  /** services with at least one measured workload */
  services: number;
  /** what the measured containers request, over all replicas */
  requested: ResourceAmount;
  /** requested above use: CPU above p95 use, memory above peak use */
  overRequested: ResourceAmount;
}

/** GET /right-sizing: the over-requested CPU and memory per team, biggest first. */
export interface RightSizingResponse {
  teams: RightSizingTeam[];
  total: Omit<RightSizingTeam, 'owner'>;
}
