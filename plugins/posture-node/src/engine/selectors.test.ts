import {
  SelectorError,
  matches,
  parseLabelSelector,
  parseSelectorString,
  selectorToString,
} from './selectors';

describe('parseLabelSelector', () => {
  it('combines matchLabels and matchExpressions (AND)', () => {
    const sel = parseLabelSelector({
      matchLabels: { app: 'web' },
      matchExpressions: [
        { key: 'tier', operator: 'In', values: ['api', 'edge'] },
        { key: 'legacy', operator: 'DoesNotExist' },
        { key: 'env', operator: 'NotIn', values: ['dev'] },
        { key: 'team', operator: 'Exists' },
      ],
    });
    expect(matches(sel, { app: 'web', tier: 'api', team: 'x' })).toBe(true);
    expect(matches(sel, { app: 'web', tier: 'api', team: 'x', env: 'prod' })).toBe(true);
    expect(matches(sel, { app: 'web', tier: 'api', team: 'x', env: 'dev' })).toBe(false);
    expect(matches(sel, { app: 'web', tier: 'db', team: 'x' })).toBe(false);
    expect(matches(sel, { app: 'web', tier: 'api', team: 'x', legacy: '1' })).toBe(false);
    expect(matches(sel, { app: 'web', tier: 'api' })).toBe(false);
  });

  it('treats {} as match-everything and null as match-nothing', () => {
    expect(matches(parseLabelSelector({}), {})).toBe(true);
    expect(matches(parseLabelSelector({}), { a: 'b' })).toBe(true);
    expect(parseLabelSelector(null)).toBeUndefined();
    expect(matches(undefined, { a: 'b' })).toBe(false);
  });

  it('rejects broken selectors with a clear error', () => {
    expect(() => parseLabelSelector('app=web')).toThrow(SelectorError);
    expect(() => parseLabelSelector({ matchExpressions: [{ key: 'a', operator: 'Near' }] })).toThrow(/not one of/);
    expect(() => parseLabelSelector({ matchExpressions: [{ key: 'a', operator: 'In', values: [] }] })).toThrow(/at least one value/);
    expect(() => parseLabelSelector({ matchExpressions: [{ key: 'a', operator: 'Exists', values: ['x'] }] })).toThrow(/takes no values/);
    expect(() => parseLabelSelector({ matchExpressions: 'x' })).toThrow(/must be a list/);
    expect(() => parseLabelSelector({ matchLabels: { a: { b: 1 } } })).toThrow(/must be a string/);
  });
});

describe('parseSelectorString', () => {
  it('parses the kubectl syntax', () => {
    const sel = parseSelectorString('app=web, tier in (api,edge),env!=dev,!legacy,team');
    expect(matches(sel, { app: 'web', tier: 'edge', team: 't' })).toBe(true);
    expect(matches(sel, { app: 'web', tier: 'edge', team: 't', legacy: 'y' })).toBe(false);
    expect(selectorToString(sel)).toBe('app=web,tier in (api,edge),env!=dev,!legacy,team');
    expect(matches(parseSelectorString('app==web'), { app: 'web' })).toBe(true);
    expect(matches(parseSelectorString('tier notin (a, b)'), { tier: 'c' })).toBe(true);
  });

  it('rejects malformed strings', () => {
    expect(() => parseSelectorString('app=web,,')).toThrow(SelectorError);
    expect(() => parseSelectorString('tier in (a,b')).toThrow(/unterminated/);
    expect(() => parseSelectorString('app web')).toThrow(SelectorError);
  });
});
