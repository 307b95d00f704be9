import { CheckStatus, PILLARS, SEVERITIES, Severity } from '@posture-dev/backstage-plugin-posture-common';
import { JsonReportSummary } from './report';

export interface Thresholds {
  /** any pillar score of a service or of the summary below this fails the run */
  minScore?: number;
  /** a failing result at this severity or worse fails the run */
  failOn?: Severity;
}

/** Why the run fails, one entry per threshold crossed; empty when it passes. */
export function crossedThresholds(
  report: JsonReportSummary & { results: readonly { status: CheckStatus; severity: Severity }[] },
  t: Thresholds,
): string[] {
  const reasons: string[] = [];
  if (t.minScore !== undefined) {
    const min = t.minScore;
    const low: string[] = [];
    for (const s of report.services) {
      for (const p of PILLARS) {
        const score = s.scores[p];
        // a pillar no check applied to has no score, and so nothing to fall short of
        if (score !== null && score < min) low.push(`${s.namespace}/${s.name} ${p} ${score}`);
      }
    }
    for (const p of PILLARS) {
      const score = report.summary.scores[p];
      if (score !== null && score < min) low.push(`summary ${p} ${score}`);
    }
    if (low.length > 0) {
      const shown = low.slice(0, 5).join(', ');
      const more = low.length > 5 ? ` and ${low.length - 5} more` : '';
      reasons.push(`--min-score ${min}: ${shown}${more}`);
    }
  }
  if (t.failOn !== undefined) {
    const worst = SEVERITIES.slice(0, SEVERITIES.indexOf(t.failOn) + 1);
    let failing = 0;
    for (const r of report.results) if (r.status === 'fail' && worst.includes(r.severity)) failing++;
    if (failing > 0) {
      reasons.push(
        `--fail-on ${t.failOn}: ${failing} failing result${failing === 1 ? '' : 's'} at ${t.failOn} severity or worse`,
      );
    }
  }
  // input that could not be read or parsed (a duplicate key, a file over the size cap, invalid
  // UTF-8) was not judged: a gate that passed over it could be slipped by breaking a file on purpose
  if ((t.minScore !== undefined || t.failOn !== undefined) && report.errors.length > 0) {
    const n = report.errors.length;
    reasons.push(`${n} input error${n === 1 ? '' : 's'}: input that was not judged fails the gate (the errors are listed above)`);
  }
  return reasons;
}
