import { JsonReport, JsonScores } from './report';
import { crossedThresholds } from './thresholds';

const scores = (scalability: number | null, security: number | null): JsonScores => ({
  scores: { scalability, security },
  overall: null,
  grades: { scalability: null, security: null, overall: null },
  level: 'Gold',
  pssLevel: 'restricted',
  counts: { pass: 0, fail: 0, 'not-applicable': 0, exempt: 0, error: 0 },
  failingBySeverity: { critical: 0, high: 0, medium: 0, low: 0 },
});

function report(
  services: [string, number | null, number | null][],
  failing: ('critical' | 'high' | 'medium' | 'low')[],
  summary: [number | null, number | null] = [100, 100],
): JsonReport {
  return {
    schemaVersion: 1,
    tool: { name: 'posture', version: '0' },
    checks: [],
    results: [
      ...failing.map(severity => ({
        checkId: 'x',
        status: 'fail' as const,
        severity,
        pillar: 'security' as const,
        message: '',
        subject: { apiVersion: 'v1', kind: 'Pod', name: 'p' },
        evidence: [],
      })),
      // exempt and passing results never trip --fail-on
      {
        checkId: 'y',
        status: 'exempt' as const,
        severity: 'critical' as const,
        pillar: 'security' as const,
        message: '',
        subject: { apiVersion: 'v1', kind: 'Pod', name: 'p' },
        evidence: [],
      },
    ],
    services: services.map(([name, sc, se]) => ({ name, namespace: 'ns', workloads: [], results: [], ...scores(sc, se) })),
    summary: { files: 1, services: services.length, workloads: services.length, ...scores(...summary) },
    errors: [],
  };
}

describe('crossedThresholds', () => {
  it('compares every pillar of every service and of the summary with --min-score', () => {
    const r = report([['a', 90, 70], ['b', null, 95]], [], [85, 80]);
    expect(crossedThresholds(r, { minScore: 70 })).toEqual([]);
    expect(crossedThresholds(r, { minScore: 80 })).toEqual(['--min-score 80: ns/a security 70']);
    expect(crossedThresholds(r, { minScore: 90 })).toEqual([
      '--min-score 90: ns/a security 70, summary scalability 85, summary security 80',
    ]);
  });

  it('ignores pillars without a score', () => {
    expect(crossedThresholds(report([['a', null, null]], [], [null, null]), { minScore: 100 })).toEqual([]);
  });

  it('fails on a failing result at the severity or worse', () => {
    const r = report([], ['medium', 'low', 'medium']);
    expect(crossedThresholds(r, { failOn: 'critical' })).toEqual([]);
    expect(crossedThresholds(r, { failOn: 'high' })).toEqual([]);
    expect(crossedThresholds(r, { failOn: 'medium' })).toEqual([
      '--fail-on medium: 2 failing results at medium severity or worse',
    ]);
    expect(crossedThresholds(r, { failOn: 'low' })).toEqual(['--fail-on low: 3 failing results at low severity or worse']);
  });

  it('names at most five low scores', () => {
    const many = report(
      Array.from({ length: 7 }, (_, i) => [`s${i}`, 10, 100] as [string, number, number]),
      [],
    );
    expect(crossedThresholds(many, { minScore: 50 })[0]).toMatch(/ns\/s4 scalability 10 and 2 more$/);
  });
});

describe('input errors under a gate', () => {
  const report = (errors: { message: string }[]) =>
    ({
      services: [],
      results: [],
      summary: { scores: { scalability: 100, security: 100 } },
      errors,
    }) as any;

  it('fail the gate: a document the engine never saw was not judged', () => {
    const bad = report([{ message: 'duplicate key at line 12' }]);
    expect(crossedThresholds(bad, { failOn: 'critical' })).toEqual([
      '1 input error: input that was not judged fails the gate (the errors are listed above)',
    ]);
    expect(crossedThresholds(bad, { minScore: 0 })).toHaveLength(1);
  });

  it('do not turn a report into a failure when no gate is set', () => {
    expect(crossedThresholds(report([{ message: 'x' }]), {})).toEqual([]);
    expect(crossedThresholds(report([]), { failOn: 'low', minScore: 100 })).toEqual([]);
  });
});
