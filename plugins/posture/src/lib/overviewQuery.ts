import {
  Grade,
  Level,
  OverviewQuery,
  OverviewSortField,
} from '@posture-dev/backstage-plugin-posture-common';
import { QuadrantId, isQuadrantId } from './quadrant';

export const LIST_FILTERS = ['owner', 'system', 'kind', 'lifecycle', 'cluster', 'grade', 'level'] as const;
export type ListFilter = (typeof LIST_FILTERS)[number];

export const GRADES: readonly Grade[] = ['A', 'B', 'C', 'D', 'F'];
export const LEVELS: readonly Level[] = ['Gold', 'Silver', 'Bronze', 'None'];
export const SORT_FIELDS: readonly OverviewSortField[] = [
  'name',
  'owner',
  'system',
  'scalability',
  'security',
  'overall',
  'grade',
  'level',
  'lastChangedAt',
];
export const PAGE_SIZES = [10, 25, 50, 100] as const;
export const DEFAULT_PAGE_SIZE = 25;

/** The overview's whole view state; it lives in the URL so a view can be shared. */
export interface OverviewUrlState {
  filters: Record<ListFilter, string[]>;
  /** the balance quadrant picked on the chart */
  quadrant?: QuadrantId;
  q: string;
  sort?: OverviewSortField;
  order?: 'asc' | 'desc';
  /** zero-based; the URL carries it one-based */
  page: number;
  pageSize: number;
}

function uniq(values: string[]): string[] {
  return [...new Set(values.map(v => v.trim()).filter(Boolean))];
}

/** Tolerates hand-edited URLs: unknown enum values and bad numbers are dropped, not sent to the server. */
export function parseOverviewParams(params: URLSearchParams): OverviewUrlState {
  const filters = {} as Record<ListFilter, string[]>;
  for (const key of LIST_FILTERS) {
    // `?owner=a,b` is accepted like the backend does
    filters[key] = uniq(params.getAll(key).flatMap(v => v.split(',')));
  }
  filters.grade = filters.grade.filter(g => (GRADES as readonly string[]).includes(g));
  filters.level = filters.level.filter(l => (LEVELS as readonly string[]).includes(l));
  const sortParam = params.get('sort');
  const sort = SORT_FIELDS.find(s => s === sortParam);
  const orderParam = params.get('order');
  const order = orderParam === 'asc' || orderParam === 'desc' ? orderParam : undefined;
  const pageNum = Number(params.get('page'));
  const page = Number.isInteger(pageNum) && pageNum >= 1 ? pageNum - 1 : 0;
  const sizeNum = Number(params.get('pageSize'));
  const pageSize = (PAGE_SIZES as readonly number[]).includes(sizeNum) ? sizeNum : DEFAULT_PAGE_SIZE;
  const quadrantParam = params.get('quadrant');
  const quadrant = isQuadrantId(quadrantParam) ? quadrantParam : undefined;
  return { filters, quadrant, q: params.get('q') ?? '', sort, order, page, pageSize };
}

/** Writes only what differs from the defaults, so shared URLs stay short. */
export function writeOverviewParams(state: OverviewUrlState): URLSearchParams {
  const params = new URLSearchParams();
  for (const key of LIST_FILTERS) state.filters[key].forEach(v => params.append(key, v));
  if (state.quadrant) params.set('quadrant', state.quadrant);
  if (state.q.trim()) params.set('q', state.q);
  if (state.sort) params.set('sort', state.sort);
  if (state.order) params.set('order', state.order);
  if (state.page > 0) params.set('page', String(state.page + 1));
  if (state.pageSize !== DEFAULT_PAGE_SIZE) params.set('pageSize', String(state.pageSize));
  return params;
}

/** The filter part of the state, for both the page query and the CSV export. */
export function toFilterQuery(state: OverviewUrlState): OverviewQuery {
  const query: OverviewQuery = {};
  for (const key of LIST_FILTERS) {
    if (state.filters[key].length) (query as Record<string, unknown>)[key] = state.filters[key];
  }
  if (state.quadrant) query.quadrant = [state.quadrant];
  if (state.q.trim()) query.q = state.q.trim();
  if (state.sort) query.sort = state.sort;
  if (state.order) query.order = state.order;
  return query;
}

export function toOverviewQuery(state: OverviewUrlState): OverviewQuery {
  return {
    ...toFilterQuery(state),
    limit: state.pageSize,
    offset: state.page * state.pageSize,
  };
}

export function hasFilters(state: OverviewUrlState): boolean {
  return LIST_FILTERS.some(k => state.filters[k].length > 0) || state.quadrant !== undefined || state.q.trim() !== '';
}
