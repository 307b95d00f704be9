import { CheckResult, Severity } from './types';
import { emptyTally, gradeFor, levelFor, mergeTallies, scoreResults, scorecardOf, tallyResults } from './scoring';

const r = (
  status: CheckResult['status'],
  severity: Severity,
  pillar: CheckResult['pillar'] = 'security',
  checkId = `c-${Math.random()}`,
): CheckResult => ({
  checkId,
  status,
  severity,
  pillar,
  message: '',
  subject: { apiVersion: 'v1', kind: 'Pod', name: 'p' },
  evidence: [],
});

describe('scoreResults', () => {
  it('matches the README worked example', () => {
    const card = scoreResults([
      r('pass', 'critical'),
      r('pass', 'high'),
      r('pass', 'high'),
      r('fail', 'high'),
      r('fail', 'low'),
    ]);
    expect(card.scores.security).toBe(76.9);
    expect(card.grades.security).toBe('C');
    expect(card.level).toBe('Bronze');

    const critical = scoreResults([
      r('fail', 'critical'),
      r('pass', 'high'),
      r('pass', 'high'),
      r('fail', 'high'),
      r('fail', 'low'),
    ]);
    expect(critical.scores.security).toBe(38.5);
    expect(critical.grades.security).toBe('F');
    expect(critical.level).toBe('None');
  });

  it('ignores not-applicable, exempt and error results', () => {
    const card = scoreResults([
      r('pass', 'low'),
      r('not-applicable', 'critical'),
      r('exempt', 'critical'),
      r('error', 'critical'),
    ]);
    expect(card.scores.security).toBe(100);
    expect(card.scores.scalability).toBeNull();
    expect(card.grades.scalability).toBeNull();
    expect(card.level).toBe('Gold');
    expect(card.counts).toEqual({ pass: 1, fail: 0, 'not-applicable': 1, exempt: 1, error: 1 });
  });

  it('caps the grade at D when a critical check fails', () => {
    expect(gradeFor(95, true)).toBe('D');
    expect(gradeFor(65, true)).toBe('D');
    expect(gradeFor(50, true)).toBe('F');
    expect(gradeFor(95, false)).toBe('A');
    // 100 × (10×9) / (10×9 + 10) = 90: an A without the cap
    const many = [...Array(9)].map(() => r('pass', 'critical'));
    expect(scoreResults([...many, r('fail', 'critical')]).grades.security).toBe('D');
  });

  it('derives levels from failing severities', () => {
    expect(levelFor({ critical: 0, high: 0, medium: 0, low: 0 })).toBe('Gold');
    expect(levelFor({ critical: 0, high: 0, medium: 1, low: 0 })).toBe('Silver');
    expect(levelFor({ critical: 0, high: 1, medium: 0, low: 0 })).toBe('Bronze');
    expect(levelFor({ critical: 1, high: 0, medium: 0, low: 0 })).toBe('None');
  });

  it('derives the Pod Security level from PSS checks, counting exempt failures', () => {
    const pssLevelOf = (id: string) =>
      id.startsWith('b-') ? ('baseline' as const) : id.startsWith('r-') ? ('restricted' as const) : undefined;
    expect(scoreResults([r('pass', 'high', 'security', 'b-1'), r('pass', 'high', 'security', 'r-1')], { pssLevelOf }).pssLevel).toBe('restricted');
    expect(scoreResults([r('pass', 'high', 'security', 'b-1'), r('fail', 'high', 'security', 'r-1')], { pssLevelOf }).pssLevel).toBe('baseline');
    expect(scoreResults([r('exempt', 'high', 'security', 'b-1')], { pssLevelOf }).pssLevel).toBe('privileged');
  });

  it('scores pillars separately and combines them in overall', () => {
    const card = scoreResults([r('pass', 'high', 'scalability'), r('fail', 'high', 'security')]);
    expect(card.scores).toEqual({ scalability: 100, security: 0 });
    expect(card.overall).toBe(50);
    expect(card.grades.overall).toBe('F');
  });
});

describe('tallies', () => {
  // a deterministic mix of statuses, severities, pillars and PSS checks
  const statuses = ['pass', 'fail', 'not-applicable', 'exempt', 'error'] as const;
  const severities = ['critical', 'high', 'medium', 'low'] as const;
  const mixed = (n: number, seed: number): CheckResult[] =>
    Array.from({ length: n }, (_, i) => {
      const k = (i * 7919 + seed * 104729) % 1000;
      return {
        checkId: ['pss-privileged', 'pss-run-as-non-root', 'replicas', 'cpu-requests'][k % 4],
        status: statuses[k % 5],
        severity: severities[(k >> 2) % 4],
        pillar: k % 3 === 0 ? 'scalability' : 'security',
        message: '',
        subject: { apiVersion: 'v1', kind: 'Pod', name: `p${i}` },
        evidence: [],
      };
    });
  const options = {
    weights: { critical: 10, high: 5, medium: 3, low: 1 },
    pssLevelOf: (id: string) =>
      id === 'pss-privileged' ? ('baseline' as const) : id === 'pss-run-as-non-root' ? ('restricted' as const) : undefined,
  };

  it('add up: the merged tallies of parts score as the whole', () => {
    for (let seed = 0; seed < 20; seed++) {
      const parts = [mixed(13, seed), mixed(0, seed), mixed(40, seed + 1), mixed(7, seed + 2)];
      const merged = parts.map(p => tallyResults(p, options)).reduce(mergeTallies, emptyTally());
      expect(scorecardOf(merged)).toEqual(scoreResults(parts.flat(), options));
    }
  });

  it('survive storage as JSON', () => {
    const t = tallyResults(mixed(50, 3), options);
    expect(scorecardOf(JSON.parse(JSON.stringify(t)))).toEqual(scorecardOf(t));
  });

  it('merge without changing their inputs', () => {
    const a = tallyResults(mixed(10, 1), options);
    const copy = JSON.parse(JSON.stringify(a));
    mergeTallies(a, tallyResults(mixed(10, 2), options));
    expect(a).toEqual(copy);
  });
});
