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

interface Tally {
  pass: number;
  total: number;
  critical: boolean;
}

/**
 * Scores a set of results: per pillar `100 × Σ weight(pass) / Σ weight(pass + fail)`.
 * Not-applicable, exempt and error results do not count. `pssFailures` names
 * the PSS levels with at least one failing check among the results.
 */
export function scoreResults(
  results: Iterable<CheckResult>,
  options: {
    weights?: SeverityWeights;
    /** checkId -> the PSS level it belongs to */
    pssLevelOf?: (checkId: string) => 'baseline' | 'restricted' | undefined;
  } = {},
): Scorecard {
  const weights = options.weights ?? DEFAULT_WEIGHTS;
  const tallies: Record<Pillar | 'overall', Tally> = {
    scalability: { pass: 0, total: 0, critical: false },
    security: { pass: 0, total: 0, critical: false },
    overall: { pass: 0, total: 0, critical: false },
  };
  const counts: Record<CheckStatus, number> = {
    pass: 0,
    fail: 0,
    'not-applicable': 0,
    exempt: 0,
    error: 0,
  };
  const failing: Record<Severity, number> = {
    critical: 0,
    high: 0,
    medium: 0,
    low: 0,
  };
  let baselineFails = false;
  let restrictedFails = false;

  for (const r of results) {
    counts[r.status]++;
    const pss = options.pssLevelOf?.(r.checkId);
    // an exemption hides a failure from the score, but the pod would still be
    // rejected by admission at that level, so it still lowers the PSS level
    if (pss && (r.status === 'fail' || r.status === 'exempt')) {
      if (pss === 'baseline') baselineFails = true;
      else restrictedFails = true;
    }
    if (r.status !== 'pass' && r.status !== 'fail') continue;
    const w = weights[r.severity];
    for (const key of [r.pillar, 'overall'] as const) {
      const t = tallies[key];
      t.total += w;
      if (r.status === 'pass') t.pass += w;
      else if (r.severity === 'critical') t.critical = true;
    }
    if (r.status === 'fail') failing[r.severity]++;
  }

  const score = (t: Tally) => (t.total === 0 ? null : round1((100 * t.pass) / t.total));
  const grade = (t: Tally) => {
    const s = score(t);
    return s === null ? null : gradeFor(s, t.critical);
  };
  const scores = Object.fromEntries(
    PILLARS.map(p => [p, score(tallies[p])]),
  ) as Record<Pillar, number | null>;
  let pssLevel: PssLevel = 'restricted';
  if (baselineFails) pssLevel = 'privileged';
  else if (restrictedFails) pssLevel = 'baseline';

  return {
    scores,
    overall: score(tallies.overall),
    grades: {
      scalability: grade(tallies.scalability),
      security: grade(tallies.security),
      overall: grade(tallies.overall),
    },
    level: levelFor(failing),
    pssLevel,
    counts,
    failingBySeverity: failing,
  };
}
