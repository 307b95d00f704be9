import { Grade, QUADRANT_IDS, QuadrantId, quadrantOf } from '@posture-dev/backstage-plugin-posture-common';

export { QUADRANT_IDS, QUADRANT_THRESHOLD, quadrantOf } from '@posture-dev/backstage-plugin-posture-common';
export type { QuadrantId } from '@posture-dev/backstage-plugin-posture-common';

export const QUADRANTS: Record<QuadrantId, { label: string; hint: string }> = {
  balanced: { label: 'Balanced', hint: 'scalable and secure' },
  'secure-fragile': { label: 'Secure but fragile', hint: 'secure, but will not scale or survive disruption' },
  'scalable-exposed': { label: 'Scalable but exposed', hint: 'scales, but its security needs work' },
  'at-risk': { label: 'At risk', hint: 'neither scalable nor secure' },
};

export function isQuadrantId(value: unknown): value is QuadrantId {
  return (QUADRANT_IDS as readonly unknown[]).includes(value);
}

export function countByQuadrant(points: { scalability: number; security: number }[]): Record<QuadrantId, number> {
  const counts: Record<QuadrantId, number> = { balanced: 0, 'secure-fragile': 0, 'scalable-exposed': 0, 'at-risk': 0 };
  for (const p of points) counts[quadrantOf(p)]++;
  return counts;
}

interface ScoredPoint {
  entityRef: string;
  name: string;
  scalability: number;
  security: number;
  grade: Grade | null;
}

/** Services drawn as one marker: they sit on the same spot of the chart. */
export interface PointGroup<P extends ScoredPoint = ScoredPoint> {
  /** stable across renders: the quadrant and the rounded position */
  key: string;
  quadrant: QuadrantId;
  /** where the marker is drawn: the mean of its points, so inside their quadrant */
  scalability: number;
  security: number;
  /** the worst grade among them: the marker's colour says the most urgent */
  grade: Grade | null;
  points: P[];
}

const GRADE_RANK: Record<Grade, number> = { A: 0, B: 1, C: 2, D: 3, F: 4 };

/**
 * Groups points that would cover each other: those whose scores round to the same whole number
 * on both axes, within one quadrant (a group never straddles the threshold, so its marker and
 * its count stay in the quadrant its services are filtered into). Deterministic, unlike jitter:
 * the same data always draws the same chart. Groups come in reading order (top to bottom, left
 * to right), the order the keyboard walks them in.
 */
export function groupPoints<P extends ScoredPoint>(points: readonly P[]): PointGroup<P>[] {
  const groups = new Map<string, PointGroup<P>>();
  for (const p of points) {
    const quadrant = quadrantOf(p);
    const key = `${quadrant}:${Math.round(p.scalability)}:${Math.round(p.security)}`;
    let g = groups.get(key);
    if (!g) {
      g = { key, quadrant, scalability: 0, security: 0, grade: p.grade, points: [] };
      groups.set(key, g);
    }
    g.points.push(p);
    if (p.grade && (!g.grade || GRADE_RANK[p.grade] > GRADE_RANK[g.grade])) g.grade = p.grade;
  }
  const out = [...groups.values()];
  for (const g of out) {
    g.scalability = g.points.reduce((s, p) => s + p.scalability, 0) / g.points.length;
    g.security = g.points.reduce((s, p) => s + p.security, 0) / g.points.length;
    g.points.sort((a, b) => a.name.localeCompare(b.name) || (a.entityRef < b.entityRef ? -1 : 1));
  }
  return out.sort((a, b) => b.security - a.security || a.scalability - b.scalability || (a.key < b.key ? -1 : 1));
}
