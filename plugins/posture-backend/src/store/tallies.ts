import { CheckResult, Pillar, Severity } from '@posture-dev/backstage-plugin-posture-common';

/** An entity's failing checks in some set of results: check id → severity, pillar and failing results. */
export type FailingChecks = Record<string, { severity: Severity; pillar: Pillar; failing: number }>;

/** The failing checks among `results`, added into `into` (a new map when not given). */
export function failingOf(
  results: Iterable<CheckResult>,
  into: Map<string, { severity: Severity; pillar: Pillar; failing: number }> = new Map(),
) {
  for (const r of results) {
    if (r.status !== 'fail') continue;
    const f = into.get(r.checkId);
    if (f) f.failing++;
    else into.set(r.checkId, { severity: r.severity, pillar: r.pillar, failing: 1 });
  }
  return into;
}

/** Adds a stored row's failing checks into `into`. */
export function addFailing(
  into: Map<string, { severity: Severity; pillar: Pillar; failing: number }>,
  stored: FailingChecks,
): void {
  for (const [checkId, s] of Object.entries(stored)) {
    const f = into.get(checkId);
    if (f) f.failing += s.failing;
    else into.set(checkId, { ...s });
  }
}
