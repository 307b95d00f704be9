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
} from '@posture-dev/backstage-plugin-posture-common';

/** What the REST API reads from the store: every response is served from stored data, never recomputed. */
export interface PostureStoreApi {
  getEntity(entityRef: string): Promise<EntityScorecard | undefined>;
  getHistory(entityRef: string, range: { from?: string; to?: string }): Promise<HistoryPoint[]>;
  listEntityRefs(): Promise<string[]>;
  listOverview(query: OverviewQuery & { allowedRefs?: Set<string> }): Promise<OverviewResponse>;
  overviewCsvRows(query: OverviewQuery & { allowedRefs?: Set<string> }): Promise<OverviewRow[]>;
  getGroupRollup(
    groupRef: string,
    options: { allowedRefs?: Set<string>; checks?: CheckMetadata[] },
  ): Promise<GroupRollup>;
  listCheckSummaries(
    checks: CheckMetadata[],
    options: { allowedRefs?: Set<string> },
  ): Promise<CheckSummary[]>;
  getClusterStatuses(): Promise<ClusterStatus[]>;
  /** entity ref -> other entities claiming one of its workloads (only entities that share any) */
  sharedClaims?(): Promise<Map<string, string[]>>;
  /** every exemption on a stored result, active or expired */
  listExemptions?(): Promise<ExemptionEntry[]>;
}
