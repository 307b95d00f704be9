import { ResponseError } from '@backstage/errors';
import {
  CampaignDetail,
  CampaignSummary,
  CheckSummary,
  ClusterStatus,
  EntityCampaign,
  GroupScope,
  TrendResponse,
  EntityScorecard,
  ExemptionsQuery,
  ExemptionsResponse,
  GroupRollup,
  HistoryPoint,
  OverviewQuery,
  OverviewResponse,
  RightSizingResponse,
} from './api';

/** The subset of Backstage's DiscoveryApi / DiscoveryService the client needs. */
export interface PostureDiscovery {
  getBaseUrl(pluginId: string): Promise<string>;
}

/** The subset of Backstage's FetchApi the client needs (it adds the user's token). */
export interface PostureFetch {
  fetch: typeof fetch;
}

export interface PostureApi {
  getEntityScorecard(ref: { kind: string; namespace: string; name: string }): Promise<EntityScorecard>;
  getEntityHistory(
    ref: { kind: string; namespace: string; name: string },
    range?: { from?: string; to?: string },
  ): Promise<HistoryPoint[]>;
  getOverview(query?: OverviewQuery): Promise<OverviewResponse>;
  getOverviewCsvUrl(query?: OverviewQuery): Promise<string>;
  getOverviewCsv(query?: OverviewQuery): Promise<string>;
  /** over-requested CPU and memory per team, over the services the overview filter matches */
  getRightSizing?(query?: OverviewQuery): Promise<RightSizingResponse>;
  getGroupRollup(ref: { namespace: string; name: string }, options?: { scope?: GroupScope }): Promise<GroupRollup>;
  /** average scores over time, for every readable entity or for a group's roll-up */
  getTrend?(options?: { group?: { namespace: string; name: string }; scope?: GroupScope; from?: string }): Promise<TrendResponse>;
  listCampaigns?(): Promise<CampaignSummary[]>;
  getCampaign?(id: string): Promise<CampaignDetail>;
  getEntityCampaigns?(ref: { kind: string; namespace: string; name: string }): Promise<EntityCampaign[]>;
  listChecks(): Promise<CheckSummary[]>;
  listClusters(): Promise<ClusterStatus[]>;
  refresh(): Promise<void>;
  /** every exemption on a result the caller may read (GET /exemptions) */
  listExemptions(query?: ExemptionsQuery): Promise<ExemptionsResponse>;
  /** whether any cluster is configured (GET /setup) */
  getSetup(): Promise<PostureSetup>;
}

/** GET /setup: whether Posture has anything to collect. */
export interface PostureSetup {
  clustersConfigured: number;
}

export function overviewQueryString(query: OverviewQuery = {}): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === null || value === '') continue;
    if (Array.isArray(value)) value.forEach(v => params.append(key, String(v)));
    else params.set(key, String(value));
  }
  const s = params.toString();
  return s ? `?${s}` : '';
}

const seg = (s: string) => encodeURIComponent(s);

/** Typed client for the posture backend's REST API (see its openapi.yaml). */
export class PostureClient implements PostureApi {
  constructor(private readonly options: { discoveryApi: PostureDiscovery; fetchApi: PostureFetch }) {}

  async getEntityScorecard(ref: { kind: string; namespace: string; name: string }) {
    return this.get<EntityScorecard>(`/entities/${seg(ref.kind)}/${seg(ref.namespace)}/${seg(ref.name)}`);
  }

  async getEntityHistory(
    ref: { kind: string; namespace: string; name: string },
    range: { from?: string; to?: string } = {},
  ) {
    const q = overviewQueryString(range as OverviewQuery);
    const body = await this.get<{ points: HistoryPoint[] }>(
      `/entities/${seg(ref.kind)}/${seg(ref.namespace)}/${seg(ref.name)}/history${q}`,
    );
    return body.points;
  }

  async getOverview(query: OverviewQuery = {}) {
    return this.get<OverviewResponse>(`/overview${overviewQueryString(query)}`);
  }

  async getRightSizing(query: OverviewQuery = {}) {
    const { sort: _sort, order: _order, limit: _limit, offset: _offset, ...filter } = query;
    return this.get<RightSizingResponse>(`/right-sizing${overviewQueryString(filter)}`);
  }

  async getOverviewCsvUrl(query: OverviewQuery = {}) {
    const base = await this.options.discoveryApi.getBaseUrl('posture');
    return `${base}/overview.csv${overviewQueryString({ ...query, limit: undefined, offset: undefined })}`;
  }

  async getOverviewCsv(query: OverviewQuery = {}) {
    const res = await this.options.fetchApi.fetch(await this.getOverviewCsvUrl(query));
    if (!res.ok) throw await ResponseError.fromResponse(res);
    return res.text();
  }

  async getGroupRollup(ref: { namespace: string; name: string }, options: { scope?: GroupScope } = {}) {
    const q = options.scope ? `?scope=${seg(options.scope)}` : '';
    return this.get<GroupRollup>(`/groups/${seg(ref.namespace)}/${seg(ref.name)}${q}`);
  }

  async getTrend(options: { group?: { namespace: string; name: string }; scope?: GroupScope; from?: string } = {}) {
    const params = new URLSearchParams();
    if (options.scope) params.set('scope', options.scope);
    if (options.from) params.set('from', options.from);
    const q = params.toString() ? `?${params}` : '';
    const path = options.group
      ? `/groups/${seg(options.group.namespace)}/${seg(options.group.name)}/trend`
      : '/trend';
    return this.get<TrendResponse>(`${path}${q}`);
  }

  async listCampaigns() {
    return (await this.get<{ campaigns: CampaignSummary[] }>('/campaigns')).campaigns;
  }

  async getCampaign(id: string) {
    return this.get<CampaignDetail>(`/campaigns/${seg(id)}`);
  }

  async getEntityCampaigns(ref: { kind: string; namespace: string; name: string }) {
    const body = await this.get<{ campaigns: EntityCampaign[] }>(
      `/entities/${seg(ref.kind)}/${seg(ref.namespace)}/${seg(ref.name)}/campaigns`,
    );
    return body.campaigns;
  }

  async listChecks() {
    return (await this.get<{ checks: CheckSummary[] }>('/checks')).checks;
  }

  async listClusters() {
    return (await this.get<{ clusters: ClusterStatus[] }>('/clusters')).clusters;
  }

  async refresh() {
    const base = await this.options.discoveryApi.getBaseUrl('posture');
    const res = await this.options.fetchApi.fetch(`${base}/refresh`, { method: 'POST' });
    if (!res.ok) throw await ResponseError.fromResponse(res);
  }

  async listExemptions(query: ExemptionsQuery = {}) {
    return this.get<ExemptionsResponse>(`/exemptions${overviewQueryString(query as OverviewQuery)}`);
  }

  async getSetup() {
    return this.get<PostureSetup>('/setup');
  }

  private async get<T>(path: string): Promise<T> {
    const base = await this.options.discoveryApi.getBaseUrl('posture');
    const res = await this.options.fetchApi.fetch(`${base}${path}`);
    if (!res.ok) throw await ResponseError.fromResponse(res);
    return (await res.json()) as T;
  }
}
