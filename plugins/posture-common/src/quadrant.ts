/**
 * The balance quadrant: where a service sits on scalability (x) against security (y). Shared by
 * the backend (the overview's `quadrant` filter) and the UI (the chart), so that a service drawn
 * in a quadrant is the service the filter returns for it.
 */
export type QuadrantId = 'balanced' | 'secure-fragile' | 'scalable-exposed' | 'at-risk';

/** Every quadrant, balanced first. */
export const QUADRANT_IDS: readonly QuadrantId[] = ['balanced', 'secure-fragile', 'scalable-exposed', 'at-risk'];

/**
 * A pillar score of 70 or more is a C or better (see `gradeFor`); below it is a D or F. The
 * quadrants split each axis there: "good enough" against "needs work".
 */
export const QUADRANT_THRESHOLD = 70;

/** The quadrant of a scored service; the threshold itself counts as good enough. */
export function quadrantOf(p: { scalability: number; security: number }): QuadrantId {
  const scalable = p.scalability >= QUADRANT_THRESHOLD;
  const secure = p.security >= QUADRANT_THRESHOLD;
  if (scalable && secure) return 'balanced';
  if (secure) return 'secure-fragile';
  if (scalable) return 'scalable-exposed';
  return 'at-risk';
}
