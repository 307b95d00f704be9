import { HistoryPoint, Pillar } from '@posture-dev/backstage-plugin-posture-common';

/** A line of the history chart: a pillar's score, or the overall score they make up. */
export type HistorySeriesKey = Pillar | 'overall';

export interface PlottedPoint {
  x: number;
  y: number;
  at: string;
  score: number;
  /** this series' score fell from the previous scored point */
  dropped: boolean;
  index: number;
}

export interface PlotArea {
  width: number;
  height: number;
  left: number;
  right: number;
  top: number;
  bottom: number;
}

/** x by time, so gaps between collections show; evenly spaced when times are missing or equal. */
export function xPositions(points: HistoryPoint[], area: PlotArea): number[] {
  const w = area.width - area.left - area.right;
  const times = points.map(p => Date.parse(p.at));
  const valid = times.every(t => !Number.isNaN(t));
  // loops, not Math.min(...): a long history must not overflow the call stack
  const min = times.reduce((m, t) => Math.min(m, t), Infinity);
  const max = times.reduce((m, t) => Math.max(m, t), -Infinity);
  if (points.length === 1) return [area.left + w / 2];
  if (!valid || max === min) return points.map((_, i) => area.left + (i / (points.length - 1)) * w);
  return times.map(t => area.left + ((t - min) / (max - min)) * w);
}

export function yPosition(score: number, area: PlotArea): number {
  const h = area.height - area.top - area.bottom;
  return area.top + (1 - Math.max(0, Math.min(100, score)) / 100) * h;
}

/** The series' scored points; a null score (no check applied) leaves a gap in the line. */
export function plotPillar(points: HistoryPoint[], pillar: HistorySeriesKey, area: PlotArea): PlottedPoint[][] {
  const xs = xPositions(points, area);
  const segments: PlottedPoint[][] = [];
  let current: PlottedPoint[] = [];
  let previous: number | null = null;
  points.forEach((p, index) => {
    const score = p[pillar];
    if (score === null || score === undefined) {
      if (current.length) segments.push(current);
      current = [];
      return;
    }
    current.push({
      x: xs[index],
      y: yPosition(score, area),
      at: p.at,
      score,
      dropped: previous !== null && score < previous,
      index,
    });
    previous = score;
  });
  if (current.length) segments.push(current);
  return segments;
}

export function describeRegression(p: HistoryPoint): string | undefined {
  if (!p.regression) return undefined;
  const { from, to } = p.regression;
  const parts: string[] = [];
  if (from.grade !== to.grade) parts.push(`grade ${from.grade ?? '–'} → ${to.grade ?? '–'}`);
  if (from.level !== to.level) parts.push(`level ${from.level} → ${to.level}`);
  return `Regression: ${parts.join(', ') || 'score dropped'}`;
}
