import {
  CheckMetadata,
  CheckSummary,
  ClusterStatus,
  EntityScorecard,
  ExemptionEntry,
  GroupRollup,
  HistoryPoint,
  OverviewQuery,
  OverviewResponse,
  OverviewRow,
  RightSizingResponse,
} from '@posture-dev/backstage-plugin-posture-common';
import type { HistoryRow } from '../store/types';

/** What the REST API reads from the store: every response is served from stored data, never recomputed. */
export interface PostureStoreApi {
  getEntity(entityRef: string): Promise<EntityScorecard | undefined>;
  getHistory(entityRef: string, range: { from?: string; to?: string }): Promise<HistoryPoint[]>;
  listEntityRefs(): Promise<string[]>;
  listOverview(query: OverviewQuery & { allowedRefs?: Set<string> }): Promise<OverviewResponse>;
  overviewCsvRows(query: OverviewQuery & { allowedRefs?: Set<string> }): Promise<OverviewRow[]>;
  getGroupRollup(
    groupRef: string,
    options: { allowedRefs?: Set<string>; checks?: CheckMetadata[]; owners?: string[] },
  ): Promise<GroupRollup>;
  listCheckSummaries(
    checks: CheckMetadata[],
    options: { allowedRefs?: Set<string> },
  ): Promise<CheckSummary[]>;
  getClusterStatuses(): Promise<ClusterStatus[]>;
  /** over-requested CPU and memory per owning team, over the entities the query matches */
  getRightSizing(query: OverviewQuery & { allowedRefs?: Set<string> }): Promise<RightSizingResponse>;
  /** entity ref -> other entities claiming one of its workloads (only entities that share any) */
  sharedClaims?(): Promise<Map<string, string[]>>;
  /** failing checks per entity (lower-case refs), for campaign blockers */
  failuresOf(refs: string[]): Promise<Map<string, { checkId: string; severity: string; pillar: string }[]>>;
  /** history points in time order, of these entities or of all; for trends and burn-downs */
  historyOf(refs: string[] | undefined, from?: string): Promise<HistoryRow[]>;
  /** every exemption on a stored result, active or expired */
  listExemptions?(): Promise<ExemptionEntry[]>;
}
