import { InputError } from '@backstage/errors';
import {
  Distribution,
  Grade,
  Level,
  OverviewQuery,
  OverviewResponse,
  OverviewSortField,
  PssLevel,
  QUADRANT_IDS,
  QuadrantId,
  quadrantOf,
} from '@posture-dev/backstage-plugin-posture-common';
import { OverviewDbRow, num } from './rows';
import { DEFAULT_OVERVIEW_LIMIT, MAX_OVERVIEW_LIMIT } from './types';

const GRADES: readonly Grade[] = ['A', 'B', 'C', 'D', 'F'];
const LEVELS: readonly Level[] = ['Gold', 'Silver', 'Bronze', 'None'];
const PSS_LEVELS: readonly PssLevel[] = [
  'restricted',
  'baseline',
  'privileged',
];

type SortKey = (r: OverviewDbRow) => string | number | null;

const lower = (v: string | null) =>
  v === null ? null : v.toLocaleLowerCase('en-US');

/**
 * The only sortable fields. Sorting happens in memory over the matching rows
 * (which are loaded anyway for the distribution), so the order is the same on
 * every database, whatever its collation.
 */
const SORT_KEYS: Record<OverviewSortField, SortKey> = {
  name: r => lower(r.name),
  owner: r => lower(r.owner),
  system: r => lower(r.system),
  scalability: r => num(r.scalability),
  security: r => num(r.security),
  overall: r => num(r.overall),
  grade: r => r.grade,
  // best first when ascending, like grade
  level: r => (r.level === null ? null : LEVELS.indexOf(r.level as Level)),
  lastChangedAt: r => r.last_changed_at,
};

export interface NormalisedPaging {
  sort: OverviewSortField;
  order: 'asc' | 'desc';
  limit: number;
  offset: number;
}

function checkEnum<T extends string>(
  values: unknown,
  allowed: readonly T[],
  what: string,
): void {
  if (values === undefined) return;
  if (!Array.isArray(values)) throw new InputError(`${what} must be a list`);
  for (const v of values) {
    if (!allowed.includes(v as T)) {
      throw new InputError(
        `Invalid ${what} ${JSON.stringify(v)}; expected one of ${allowed.join(
          ', ',
        )}`,
      );
    }
  }
}

/** Rejects anything the REST layer should already have rejected, so the store is safe on its own. */
export function normaliseOverviewQuery(
  query: OverviewQuery,
  paged: boolean,
): NormalisedPaging {
  const sort = query.sort ?? 'name';
  if (!Object.prototype.hasOwnProperty.call(SORT_KEYS, sort)) {
    throw new InputError(
      `Invalid sort field ${JSON.stringify(
        sort,
      )}; expected one of ${Object.keys(SORT_KEYS).join(', ')}`,
    );
  }
  const order = query.order ?? 'asc';
  if (order !== 'asc' && order !== 'desc') {
    throw new InputError(
      `Invalid order ${JSON.stringify(order)}; expected asc or desc`,
    );
  }
  checkEnum(query.grade, GRADES, 'grade');
  checkEnum(query.level, LEVELS, 'level');
  checkEnum(query.quadrant, QUADRANT_IDS, 'quadrant');
  for (const key of [
    'owner',
    'system',
    'kind',
    'lifecycle',
    'cluster',
  ] as const) {
    const v = query[key];
    if (
      v !== undefined &&
      (!Array.isArray(v) || v.some(s => typeof s !== 'string'))
    ) {
      throw new InputError(`${key} must be a list of strings`);
    }
  }
  if (query.q !== undefined && typeof query.q !== 'string')
    throw new InputError('q must be a string');
  if (!paged)
    return { sort, order, limit: Number.POSITIVE_INFINITY, offset: 0 };
  const limit = query.limit ?? DEFAULT_OVERVIEW_LIMIT;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_OVERVIEW_LIMIT) {
    throw new InputError(
      `limit must be an integer from 1 to ${MAX_OVERVIEW_LIMIT}, got ${limit}`,
    );
  }
  const offset = query.offset ?? 0;
  if (!Number.isInteger(offset) || offset < 0) {
    throw new InputError(
      `offset must be a non-negative integer, got ${offset}`,
    );
  }
  return { sort, order, limit, offset };
}

/** Case-insensitive substring on name, title and entity ref (Unicode-aware, unlike SQLite's lower()). */
export function matchesText(r: OverviewDbRow, q: string): boolean {
  const needle = q.trim().toLocaleLowerCase('en-US');
  if (!needle) return true;
  return (
    r.name.toLocaleLowerCase('en-US').includes(needle) ||
    (r.title ?? '').toLocaleLowerCase('en-US').includes(needle) ||
    r.entity_ref.includes(needle)
  );
}

/** The balance quadrant of a row, or null when it lacks either pillar score (it is in none). */
export function quadrantOfRow(r: OverviewDbRow): QuadrantId | null {
  const scalability = num(r.scalability);
  const security = num(r.security);
  if (scalability === null || security === null) return null;
  return quadrantOf({ scalability, security });
}

function compare<T extends string | number>(a: T, b: T): number {
  if (a < b) return -1;
  return a > b ? 1 : 0;
}

/**
 * Sorts in place: nulls last in either direction, ties in entity-ref order.
 * Rows usually arrive in entity-ref order already (the queries order by it),
 * so a stable sort on the key alone keeps ties in that order without
 * comparing refs.
 */
export function sortRows<R extends OverviewDbRow>(
  rows: R[],
  sort: OverviewSortField,
  order: 'asc' | 'desc',
): R[] {
  let inRefOrder = true;
  for (let i = 1; i < rows.length && inRefOrder; i++) {
    inRefOrder = rows[i - 1].entity_ref <= rows[i].entity_ref;
  }
  if (!inRefOrder) rows.sort((a, b) => compare(a.entity_ref, b.entity_ref));
  const key = SORT_KEYS[sort];
  const dir = order === 'desc' ? -1 : 1;
  const keyed: { r: R; k: string | number }[] = [];
  const nulls: R[] = [];
  for (const r of rows) {
    const k = key(r);
    if (k === null) nulls.push(r);
    else keyed.push({ r, k });
  }
  keyed.sort((a, b) => compare(a.k, b.k) * dir);
  let i = 0;
  for (const e of keyed) rows[i++] = e.r;
  for (const r of nulls) rows[i++] = r;
  return rows;
}

function zeroes<K extends string>(
  keys: readonly K[],
): Record<K | 'none', number> {
  const out = { none: 0 } as Record<K | 'none', number>;
  for (const k of keys) out[k] = 0;
  return out;
}

function bump<K extends string>(
  rec: Record<K | 'none', number>,
  key: string | null,
  allowed: readonly K[],
) {
  const k = key !== null && allowed.includes(key as K) ? (key as K) : 'none';
  rec[k]++;
}

export function emptyLevels(): Record<Level | 'none', number> {
  return zeroes(LEVELS);
}

export function levelDistribution(
  rows: { level: string | null }[],
): Record<Level | 'none', number> {
  const levels = emptyLevels();
  for (const r of rows) bump(levels, r.level, LEVELS);
  return levels;
}

export function distributionOf(rows: OverviewDbRow[]): Distribution {
  const d: Distribution = {
    grades: {
      scalability: zeroes(GRADES),
      security: zeroes(GRADES),
      overall: zeroes(GRADES),
    },
    levels: zeroes(LEVELS),
    pssLevels: zeroes(PSS_LEVELS),
  };
  for (const r of rows) {
    bump(d.grades.scalability, r.scalability_grade, GRADES);
    bump(d.grades.security, r.security_grade, GRADES);
    bump(d.grades.overall, r.grade, GRADES);
    bump(d.levels, r.level, LEVELS);
    bump(d.pssLevels, r.pss_level, PSS_LEVELS);
  }
  return d;
}

export function pointsOf(rows: OverviewDbRow[]): OverviewResponse['points'] {
  const points: OverviewResponse['points'] = [];
  for (const r of rows) {
    const scalability = num(r.scalability);
    const security = num(r.security);
    if (scalability === null || security === null) continue;
    points.push({
      entityRef: r.entity_ref,
      name: r.name,
      scalability,
      security,
      grade: r.grade as Grade | null,
    });
  }
  return points;
}

export function average(values: (number | null)[]): number | null {
  const present = values.filter((v): v is number => v !== null);
  if (present.length === 0) return null;
  return (
    Math.round((present.reduce((a, b) => a + b, 0) / present.length) * 10) / 10
  );
}
