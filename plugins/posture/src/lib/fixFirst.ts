import {
  CheckMetadata,
  CheckResult,
  Level,
  SEVERITIES,
  Severity,
} from '@posture-dev/backstage-plugin-posture-common';
import { CheckGroup, groupResults } from './checks';

const SEVERITY_RANK = Object.fromEntries(SEVERITIES.map((s, i) => [s, i])) as Record<Severity, number>;

/**
 * Failing checks of both pillars in the order to fix them: severity first (a
 * critical failure holds the level at "no level" and caps the grade at D),
 * then the number of failing results, then the title.
 */
export function fixFirstOrder(
  results: CheckResult[],
  metaById: ReadonlyMap<string, CheckMetadata>,
): CheckGroup[] {
  const failing = results.filter(r => r.status === 'fail');
  const groups = groupResults(failing, metaById).flatMap(p => p.categories.flatMap(c => c.checks));
  return groups.sort(
    (a, b) =>
      SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity] ||
      b.failing - a.failing ||
      a.title.localeCompare(b.title),
  );
}

/** Distinct failing checks per severity (a check failing on three workloads is one check to fix). */
export function failingChecksBySeverity(groups: CheckGroup[]): Record<Severity, number> {
  const counts: Record<Severity, number> = { critical: 0, high: 0, medium: 0, low: 0 };
  for (const g of groups) if (g.failing > 0) counts[g.severity] += 1;
  return counts;
}

export interface LevelStep {
  /** the level reached once these and all earlier steps are fixed */
  level: Exclude<Level, 'None'>;
  count: number;
  severities: string;
}

/**
 * The steps from the current level to Gold, following the level rules: no
 * critical failure reaches Bronze, no high failure Silver, none at all Gold.
 */
export function levelSteps(counts: Record<Severity, number>): LevelStep[] {
  const steps: LevelStep[] = [];
  if (counts.critical > 0) steps.push({ level: 'Bronze', count: counts.critical, severities: 'critical' });
  if (counts.high > 0) steps.push({ level: 'Silver', count: counts.high, severities: 'high' });
  const rest = counts.medium + counts.low;
  if (rest > 0) steps.push({ level: 'Gold', count: rest, severities: 'medium or low' });
  return steps;
}

/** "Fix 5 critical checks to reach Bronze; 11 high to reach Silver; 3 medium or low to reach Gold." */
export function describeLevelSteps(steps: LevelStep[]): string {
  if (steps.length === 0) return 'No check fails: this service is at Gold.';
  return `${steps
    .map(
      (s, i) =>
        `${i === 0 ? 'Fix ' : ''}${s.count} ${s.severities}${i === 0 ? ` check${s.count === 1 ? '' : 's'}` : ''} to reach ${s.level}`,
    )
    .join('; ')}.`;
}

/** How a level reads to a person: "None" looked like missing data. */
export function levelName(level: Level | null | undefined): string {
  return !level || level === 'None' ? 'No level' : level;
}
