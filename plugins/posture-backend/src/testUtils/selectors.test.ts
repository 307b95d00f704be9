import {
  SelectorParseError,
  compileFieldSelector,
  matchesLabelRequirements,
  parseFieldSelector,
  parseLabelSelector,
} from './selectors';

describe('parseLabelSelector', () => {
  it('parses every operator', () => {
    expect(
      parseLabelSelector('a=1, b==2,c!=3,d in (x, y),e notin (z),f,!g,h>5,i<7'),
    ).toEqual([
      { key: 'a', operator: '=', values: ['1'] },
      { key: 'b', operator: '==', values: ['2'] },
      { key: 'c', operator: '!=', values: ['3'] },
      { key: 'd', operator: 'in', values: ['x', 'y'] },
      { key: 'e', operator: 'notin', values: ['z'] },
      { key: 'f', operator: 'exists', values: [] },
      { key: 'g', operator: '!', values: [] },
      { key: 'h', operator: 'gt', values: ['5'] },
      { key: 'i', operator: 'lt', values: ['7'] },
    ]);
  });

  it('accepts prefixed keys, empty values and an empty selector', () => {
    expect(parseLabelSelector('app.kubernetes.io/name=web,tier=')).toEqual([
      { key: 'app.kubernetes.io/name', operator: '=', values: ['web'] },
      { key: 'tier', operator: '=', values: [''] },
    ]);
    expect(parseLabelSelector('')).toEqual([]);
    expect(parseLabelSelector('  ')).toEqual([]);
  });

  it.each([
    'a in (b',
    'a in b',
    'a=b,',
    ',a',
    'a=b=c',
    '!',
    'a=b c',
    'a>x',
    'Bad Key=1',
    '-a=1',
    'a=-b',
    'a==!',
  ])('rejects %j', selector => {
    expect(() => parseLabelSelector(selector)).toThrow(SelectorParseError);
  });
});

describe('matchesLabelRequirements', () => {
  const labels = { app: 'web', tier: 'frontend', replicas: '3' };
  const matches = (selector: string) =>
    matchesLabelRequirements(parseLabelSelector(selector), labels);

  it('matches like the API server', () => {
    expect(matches('app=web')).toBe(true);
    expect(matches('app=db')).toBe(false);
    expect(matches('app!=db')).toBe(true);
    expect(matches('missing!=x')).toBe(true);
    expect(matches('app in (db,web)')).toBe(true);
    expect(matches('missing in (x)')).toBe(false);
    expect(matches('app notin (web)')).toBe(false);
    expect(matches('missing notin (x)')).toBe(true);
    expect(matches('tier')).toBe(true);
    expect(matches('!tier')).toBe(false);
    expect(matches('!missing')).toBe(true);
    expect(matches('replicas>2,replicas<4')).toBe(true);
    expect(matches('app>2')).toBe(false);
    expect(matches('app=web,tier=backend')).toBe(false);
    expect(matches('')).toBe(true);
  });

  it('treats absent labels as an empty set', () => {
    expect(
      matchesLabelRequirements(parseLabelSelector('!app'), undefined),
    ).toBe(true);
    expect(matchesLabelRequirements(parseLabelSelector('app'), undefined)).toBe(
      false,
    );
  });
});

describe('field selectors', () => {
  const pod = {
    metadata: { name: 'p1', namespace: 'shop' },
    spec: { nodeName: 'n1' },
    status: { phase: 'Running' },
  };

  it('parses =, == and != with escapes', () => {
    expect(
      parseFieldSelector(
        'metadata.name=a\\,b,metadata.namespace!=x,status.phase==Running',
      ),
    ).toEqual([
      { field: 'metadata.name', operator: '=', value: 'a,b' },
      { field: 'metadata.namespace', operator: '!=', value: 'x' },
      { field: 'status.phase', operator: '=', value: 'Running' },
    ]);
    expect(parseFieldSelector('')).toEqual([]);
    expect(() => parseFieldSelector('metadata.name')).toThrow(
      SelectorParseError,
    );
  });

  it('matches common and kind-specific fields', () => {
    const match = (kind: string, s: string, o: unknown = pod) =>
      compileFieldSelector(kind, parseFieldSelector(s))(o);
    expect(match('Pod', 'metadata.name=p1')).toBe(true);
    expect(match('Pod', 'metadata.namespace!=shop')).toBe(false);
    expect(match('Pod', 'spec.nodeName=n1,status.phase=Running')).toBe(true);
    expect(match('Secret', 'type=Opaque', { type: 'Opaque' })).toBe(true);
    expect(
      match('Namespace', 'metadata.namespace=', { metadata: { name: 'x' } }),
    ).toBe(true);
  });

  it('rejects fields the kind does not register', () => {
    expect(() =>
      compileFieldSelector(
        'Deployment',
        parseFieldSelector('spec.nodeName=n1'),
      ),
    ).toThrow('field label not supported: spec.nodeName');
  });
});
