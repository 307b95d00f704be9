import { TrendPoint } from '@posture-dev/backstage-plugin-posture-common';

/** A history row as the sweep needs it; rows must come in time order. */
export interface TrendInput {
  entityRef: string;
  at: string;
  scalability: number | null;
  security: number | null;
  overall: number | null;
}

/** at most this many points per series: beyond it, points are taken per day (the last value of each day) */
export const MAX_TREND_POINTS = 200;

/**
 * Average scores over time. History stores a point per entity only when its scores change, so the
 * value of an entity at time t is its latest point at or before t; the sweep keeps running sums and
 * replaces an entity's contribution when its next point arrives, so it is linear in the rows.
 * Entities without a score at a time (not yet collected, or not scored) do not count at that time.
 */
export function trendFromHistory(rows: TrendInput[], now?: string): TrendPoint[] {
  type Sums = { n: number; s: number };
  const pillars = ['scalability', 'security', 'overall'] as const;
  const sums: Record<(typeof pillars)[number], Sums> = {
    scalability: { n: 0, s: 0 },
    security: { n: 0, s: 0 },
    overall: { n: 0, s: 0 },
  };
  const current = new Map<string, TrendInput>();
  const points: TrendPoint[] = [];
  const round1 = (x: number) => Math.round(x * 10) / 10;
  const snapshot = (at: string): TrendPoint => ({
    at,
    scalability: sums.scalability.n ? round1(sums.scalability.s / sums.scalability.n) : null,
    security: sums.security.n ? round1(sums.security.s / sums.security.n) : null,
    overall: sums.overall.n ? round1(sums.overall.s / sums.overall.n) : null,
    scored: sums.overall.n,
  });
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i];
    const prev = current.get(row.entityRef);
    for (const p of pillars) {
      if (prev && prev[p] !== null) {
        sums[p].n--;
        sums[p].s -= prev[p]!;
      }
      if (row[p] !== null) {
        sums[p].n++;
        sums[p].s += row[p]!;
      }
    }
    current.set(row.entityRef, row);
    // one point per distinct time: a run writes all its rows with the same `at`
    if (i === rows.length - 1 || rows[i + 1].at !== row.at) points.push(snapshot(row.at));
  }
  if (now && points.length > 0 && points[points.length - 1].at < now) {
    points.push({ ...points[points.length - 1], at: now });
  }
  return thin(points);
}

/** Keeps the last point of each day when there are too many points to draw. */
export function thin<P extends { at: string }>(points: P[]): P[] {
  if (points.length <= MAX_TREND_POINTS) return points;
  const byDay: P[] = [];
  for (let i = 0; i < points.length; i++) {
    const day = points[i].at.slice(0, 10);
    if (i === points.length - 1 || points[i + 1].at.slice(0, 10) !== day) byDay.push(points[i]);
  }
  // still too many (years of history): every k-th day, always keeping the last
  if (byDay.length <= MAX_TREND_POINTS) return byDay;
  const k = Math.ceil(byDay.length / MAX_TREND_POINTS);
  return byDay.filter((_, i) => i % k === 0 || i === byDay.length - 1);
}
