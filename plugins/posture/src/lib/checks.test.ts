import { CheckMetadata } from '@posture-dev/backstage-plugin-posture-common';
import {
  affectedContainers,
  affectedWorkloads,
  failingPillars,
  filterResults,
  groupResults,
  worstStatus,
} from './checks';
import { CHECKS, RESULTS, result } from '../testUtils/fixtures';

const metaById = new Map<string, CheckMetadata>(CHECKS.map(c => [c.id, c]));

describe('groupResults', () => {
  it('groups by pillar, then category, failing checks and categories first', () => {
    const sections = groupResults(RESULTS, metaById);
    expect(sections.map(s => s.pillar)).toEqual(['scalability', 'security']);
    const security = sections[1];
    // hardening and supply-chain fail; pod-security only has an exempt and a pass
    expect(security.categories.map(c => c.category)).toEqual(['hardening', 'supply-chain', 'pod-security']);
    const podSecurity = security.categories[2];
    expect(podSecurity.checks.map(c => [c.checkId, c.status])).toEqual([
      ['host-network', 'exempt'],
      ['run-as-non-root', 'pass'],
    ]);
    const availability = sections[0].categories[0];
    expect(availability.checks.map(c => c.checkId)).toEqual(['replicas', 'pdb']);
  });

  it('merges results of one check and notes lapsed exemptions', () => {
    const security = groupResults(RESULTS, metaById)[1];
    const rorf = security.categories[0].checks[0];
    expect(rorf.checkId).toBe('read-only-root-filesystem');
    expect(rorf.results).toHaveLength(2);
    expect(rorf.failing).toBe(2);
    const tag = security.categories[1].checks[0];
    expect(tag.hasExpiredExemption).toBe(true);
  });

  it('falls back to the result when the catalog does not know the check', () => {
    const [section] = groupResults([result({ checkId: 'gone', pillar: 'scalability', severity: 'low' })], new Map());
    expect(section.categories[0]).toMatchObject({ category: 'uncategorised' });
    expect(section.categories[0].checks[0]).toMatchObject({ title: 'gone', severity: 'low', pillar: 'scalability' });
  });
});

describe('result helpers', () => {
  it('filters by failing, severity and cluster', () => {
    expect(filterResults(RESULTS, { failingOnly: true, severities: [] }).every(r => r.status === 'fail')).toBe(true);
    expect(filterResults(RESULTS, { failingOnly: false, severities: ['high'] }).map(r => r.checkId)).toEqual([
      'replicas',
      'run-as-non-root',
    ]);
    expect(filterResults(RESULTS, { failingOnly: false, severities: [], cluster: 'prod-us' })).toHaveLength(1);
  });

  it('ranks fail above error above exempt above pass', () => {
    expect(worstStatus([result({ checkId: 'x', status: 'pass' }), result({ checkId: 'x', status: 'error' })])).toBe('error');
    expect(worstStatus([])).toBe('not-applicable');
  });

  it('lists affected workloads per cluster and containers once', () => {
    const rorf = RESULTS.filter(r => r.checkId === 'read-only-root-filesystem');
    expect(affectedWorkloads(rorf)).toEqual([
      { label: 'Deployment shop/checkout', cluster: 'prod-eu' },
      { label: 'Deployment shop/checkout-worker', cluster: 'prod-us' },
    ]);
    expect(affectedContainers(rorf)).toEqual(['app', 'sidecar']);
    expect(failingPillars(RESULTS)).toEqual(['scalability', 'security']);
    expect(failingPillars(RESULTS.filter(r => r.pillar === 'security'))).toEqual(['security']);
  });
});
