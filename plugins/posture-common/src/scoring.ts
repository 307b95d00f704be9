import {
  CheckResult,
  CheckStatus,
  Grade,
  Level,
  PILLARS,
  Pillar,
  PssLevel,
  Scorecard,
  Severity,
} from './types';

export type SeverityWeights = Record<Severity, number>;

export const DEFAULT_WEIGHTS: SeverityWeights = {
  critical: 10,
  high: 5,
  medium: 3,
  low: 1,
};

/** A ≥ 90, B ≥ 80, C ≥ 70, D ≥ 60, else F; a failing critical caps at D. */
export function gradeFor(score: number, hasCriticalFailure: boolean): Grade {
  let grade: Grade;
  if (score >= 90) grade = 'A';
  else if (score >= 80) grade = 'B';
  else if (score >= 70) grade = 'C';
  else if (score >= 60) grade = 'D';
  else grade = 'F';
  if (hasCriticalFailure && grade < 'D') return 'D';
  return grade;
}

export function levelFor(failing: Record<Severity, number>): Level {
  if (failing.critical > 0) return 'None';
  if (failing.high > 0) return 'Bronze';
  if (failing.medium + failing.low > 0) return 'Silver';
  return 'Gold';
}

const GRADE_ORDER: Grade[] = ['A', 'B', 'C', 'D', 'F'];
const LEVEL_ORDER: Level[] = ['Gold', 'Silver', 'Bronze', 'None'];

/** Positive when `to` is worse than `from`. */
export function gradeDrop(from: Grade | null, to: Grade | null): number {
  if (!from || !to) return 0;
  return GRADE_ORDER.indexOf(to) - GRADE_ORDER.indexOf(from);
}

export function levelDrop(from: Level, to: Level): number {
  return LEVEL_ORDER.indexOf(to) - LEVEL_ORDER.indexOf(from);
}

function round1(n: number): number {
  return Math.round(n * 10) / 10;
}

/** Weighted passes and totals of one pillar (or of both: `overall`). */
export interface PillarTally {
  pass: number;
  total: number;
  critical: boolean;
}

/**
 * What a scorecard is computed from, and nothing more: sums and flags over results, so the tallies of
 * two sets of results add up to the tally of both (`mergeTallies`). The store keeps one per entity and
 * cluster, and combines an entity's clusters without reading their results again.
 */
export interface ScoreTally {
  pillars: Record<Pillar | 'overall', PillarTally>;
  counts: Record<CheckStatus, number>;
  failing: Record<Severity, number>;
  baselineFails: boolean;
  restrictedFails: boolean;
}

export interface ScoringOptions {
  weights?: SeverityWeights;
  /** checkId -> the PSS level it belongs to */
  pssLevelOf?: (checkId: string) => 'baseline' | 'restricted' | undefined;
}

export function emptyTally(): ScoreTally {
  return {
    pillars: {
      scalability: { pass: 0, total: 0, critical: false },
      security: { pass: 0, total: 0, critical: false },
      overall: { pass: 0, total: 0, critical: false },
    },
    counts: { pass: 0, fail: 0, 'not-applicable': 0, exempt: 0, error: 0 },
    failing: { critical: 0, high: 0, medium: 0, low: 0 },
    baselineFails: false,
    restrictedFails: false,
  };
}

/** The tally of a set of results (see scoreResults for what counts). */
export function tallyResults(results: Iterable<CheckResult>, options: ScoringOptions = {}): ScoreTally {
  const weights = options.weights ?? DEFAULT_WEIGHTS;
  const t = emptyTally();
  for (const r of results) {
    t.counts[r.status]++;
    const pss = options.pssLevelOf?.(r.checkId);
    // an exemption hides a failure from the score, but the pod would still be
    // rejected by admission at that level, so it still lowers the PSS level
    if (pss && (r.status === 'fail' || r.status === 'exempt')) {
      if (pss === 'baseline') t.baselineFails = true;
      else t.restrictedFails = true;
    }
    if (r.status !== 'pass' && r.status !== 'fail') continue;
    const w = weights[r.severity];
    for (const key of [r.pillar, 'overall'] as const) {
      const p = t.pillars[key];
      p.total += w;
      if (r.status === 'pass') p.pass += w;
      else if (r.severity === 'critical') p.critical = true;
    }
    if (r.status === 'fail') t.failing[r.severity]++;
  }
  return t;
}

/** The tally of the union of the results behind `a` and `b` (a new object). */
export function mergeTallies(a: ScoreTally, b: ScoreTally): ScoreTally {
  const t = emptyTally();
  for (const key of ['scalability', 'security', 'overall'] as const) {
    t.pillars[key] = {
      pass: a.pillars[key].pass + b.pillars[key].pass,
      total: a.pillars[key].total + b.pillars[key].total,
      critical: a.pillars[key].critical || b.pillars[key].critical,
    };
  }
  for (const k of Object.keys(t.counts) as CheckStatus[]) t.counts[k] = a.counts[k] + b.counts[k];
  for (const k of Object.keys(t.failing) as Severity[]) t.failing[k] = a.failing[k] + b.failing[k];
  t.baselineFails = a.baselineFails || b.baselineFails;
  t.restrictedFails = a.restrictedFails || b.restrictedFails;
  return t;
}

/** The scorecard of a tally. */
export function scorecardOf(t: ScoreTally): Scorecard {
  const score = (p: PillarTally) => (p.total === 0 ? null : round1((100 * p.pass) / p.total));
  const grade = (p: PillarTally) => {
    const s = score(p);
    return s === null ? null : gradeFor(s, p.critical);
  };
  const scores = Object.fromEntries(PILLARS.map(p => [p, score(t.pillars[p])])) as Record<Pillar, number | null>;
  let pssLevel: PssLevel = 'restricted';
  if (t.baselineFails) pssLevel = 'privileged';
  else if (t.restrictedFails) pssLevel = 'baseline';
  return {
    scores,
    overall: score(t.pillars.overall),
    grades: {
      scalability: grade(t.pillars.scalability),
      security: grade(t.pillars.security),
      overall: grade(t.pillars.overall),
    },
    level: levelFor(t.failing),
    pssLevel,
    counts: { ...t.counts },
    failingBySeverity: { ...t.failing },
  };
}

/**
 * Scores a set of results: per pillar `100 × Σ weight(pass) / Σ weight(pass + fail)`.
 * Not-applicable, exempt and error results do not count. The PSS level is the
 * strictest one none of whose checks fails (or is exempt) among the results.
 */
export function scoreResults(results: Iterable<CheckResult>, options: ScoringOptions = {}): Scorecard {
  return scorecardOf(tallyResults(results, options));
}
