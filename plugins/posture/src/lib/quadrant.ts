/** Balance quadrant: where a service sits on scalability (x) against security (y). */
export type QuadrantId = 'balanced' | 'secure-fragile' | 'scalable-exposed' | 'at-risk';

/** Below 70 is a D or F; the line between "good enough" and "needs work" on both axes. */
export const DEFAULT_QUADRANT_THRESHOLD = 70;

export const QUADRANTS: Record<QuadrantId, { label: string; hint: string }> = {
  balanced: { label: 'Balanced', hint: 'scalable and secure' },
  'secure-fragile': { label: 'Secure but fragile', hint: 'secure, but will not scale or survive disruption' },
  'scalable-exposed': { label: 'Scalable but exposed', hint: 'scales, but its security needs work' },
  'at-risk': { label: 'At risk', hint: 'neither scalable nor secure' },
};

export function quadrantOf(
  p: { scalability: number; security: number },
  threshold: number = DEFAULT_QUADRANT_THRESHOLD,
): QuadrantId {
  const scalable = p.scalability >= threshold;
  const secure = p.security >= threshold;
  if (scalable && secure) return 'balanced';
  if (secure) return 'secure-fragile';
  if (scalable) return 'scalable-exposed';
  return 'at-risk';
}

export function countByQuadrant(
  points: { scalability: number; security: number }[],
  threshold: number = DEFAULT_QUADRANT_THRESHOLD,
): Record<QuadrantId, number> {
  const counts: Record<QuadrantId, number> = { balanced: 0, 'secure-fragile': 0, 'scalable-exposed': 0, 'at-risk': 0 };
  for (const p of points) counts[quadrantOf(p, threshold)]++;
  return counts;
}
