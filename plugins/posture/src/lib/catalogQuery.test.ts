import { checkMeta } from '../testUtils/fixtures';
import {
  filterChecks,
  hasCatalogFilters,
  parseCatalogParams,
  sortByUrgency,
  urgencyOf,
  writeCatalogParams,
} from './catalogQuery';

describe('check catalog URL state', () => {
  it('round-trips every filter and the open checks', () => {
    const params = new URLSearchParams('q=root&pillar=security&severity=critical&severity=high&failing=true&check=a&check=b');
    const state = parseCatalogParams(params);
    expect(state).toEqual({
      q: 'root',
      pillar: 'security',
      severity: ['critical', 'high'],
      failingOnly: true,
      open: ['a', 'b'],
    });
    expect(writeCatalogParams(state).toString()).toBe(params.toString());
    expect(hasCatalogFilters(state)).toBe(true);
  });

  it('drops what it does not know, and writes nothing for the defaults', () => {
    const state = parseCatalogParams(new URLSearchParams('pillar=speed&severity=low,urgent,high&failing=yes'));
    expect(state).toEqual({ q: '', pillar: undefined, severity: ['high', 'low'], failingOnly: false, open: [] });
    const empty = parseCatalogParams(new URLSearchParams(''));
    expect(writeCatalogParams(empty).toString()).toBe('');
    expect(hasCatalogFilters(empty)).toBe(false);
  });
});

describe('check catalog order and filters', () => {
  const checks = [
    checkMeta({ id: 'many-low', title: 'Many low', severity: 'low', failingEntities: 5 }),
    checkMeta({ id: 'one-critical', title: 'One critical', severity: 'critical', failingEntities: 1 }),
    checkMeta({ id: 'two-medium', title: 'Two medium', severity: 'medium', failingEntities: 2, pillar: 'scalability' }),
    checkMeta({ id: 'none-high', title: 'None high', severity: 'high', failingEntities: 0 }),
    checkMeta({ id: 'none-critical', title: 'None critical', severity: 'critical', failingEntities: 0 }),
  ];

  it('puts the most urgent first: severity weight times failing services', () => {
    expect(urgencyOf(checks[0])).toBe(5);
    expect(urgencyOf(checks[1])).toBe(10);
    expect(sortByUrgency([...checks]).map(c => c.id)).toEqual([
      'one-critical',
      'two-medium',
      'many-low',
      'none-critical',
      'none-high',
    ]);
  });

  it('filters by pillar, severity, failing and text together', () => {
    const state = parseCatalogParams(new URLSearchParams(''));
    expect(filterChecks(checks, { ...state, pillar: 'scalability' }).map(c => c.id)).toEqual(['two-medium']);
    expect(filterChecks(checks, { ...state, severity: ['critical'] }).map(c => c.id)).toEqual([
      'one-critical',
      'none-critical',
    ]);
    expect(filterChecks(checks, { ...state, severity: ['critical'], failingOnly: true }).map(c => c.id)).toEqual([
      'one-critical',
    ]);
    expect(filterChecks(checks, { ...state, q: '  MANY ' }).map(c => c.id)).toEqual(['many-low']);
  });
});
