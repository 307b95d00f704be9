import { TestDatabases } from '@backstage/backend-test-utils';
import { InputError } from '@backstage/errors';
import {
  CheckMetadata,
  EntityScorecard,
  Grade,
  Level,
  OverviewQuery,
} from '@posture-dev/backstage-plugin-posture-common';
import { PostureStore } from './PostureStore';
import { entity, result, status } from './testFixtures';

jest.setTimeout(120_000);

// PostgreSQL runs when BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING is set; never start a container
const databases = TestDatabases.create({
  ids: ['SQLITE_3', 'POSTGRES_15'],
  disableDocker: true,
});
const AT = '2025-05-01T08:00:00.000Z';

const scal = { pillar: 'scalability' as const };
const fixtures: EntityScorecard[] = [
  entity({
    name: 'alpha',
    title: 'Alpha Service',
    system: 'system:default/shop',
    clusters: {
      prod: [
        result('replicas', 'pass', { ...scal, severity: 'high' }),
        result('run-as-non-root', 'pass'),
      ],
    },
  }),
  entity({
    name: 'beta',
    system: 'system:default/shop',
    lifecycle: 'experimental',
    clusters: {
      prod: [
        result('replicas', 'pass', scal),
        result('probes', 'fail', scal),
        result('run-as-non-root', 'pass'),
      ],
      dev: [
        result('resource-limits', 'fail', scal),
        result('probes', 'fail', scal),
      ],
    },
  }),
  entity({
    name: 'gamma',
    owner: 'group:default/team-b',
    system: 'system:default/billing',
    clusters: {
      dev: [
        result('privileged-container', 'fail', { severity: 'critical' }),
        result('probes', 'fail', scal),
        result('replicas', 'pass', scal),
      ],
    },
  }),
  entity({
    name: 'delta',
    kind: 'Resource',
    owner: 'group:default/team-b',
    state: 'no-workloads',
  }),
  entity({
    name: 'epsilon',
    kind: 'API',
    owner: null,
    title: '100% Üntitled',
    state: 'no-annotations',
  }),
  entity({
    name: 'zeta',
    title: 'Zeta_Pay',
    owner: 'group:default/team-c',
    clusters: {
      prod: [
        result('replicas', 'pass', scal),
        result('hpa', 'fail', { ...scal, severity: 'low' }),
      ],
    },
  }),
];
const byName = new Map(fixtures.map(e => [e.name, e]));

function meta(
  id: string,
  severity: CheckMetadata['severity'] = 'medium',
): CheckMetadata {
  return {
    id,
    title: `Title of ${id}`,
    pillar: 'scalability',
    category: 'availability',
    severity,
    rationale: 'because',
    remediation: { text: 'fix it', patch: 'spec: {}' },
    references: {},
  };
}

async function seeded(id: Parameters<typeof databases.init>[0]) {
  const store = await PostureStore.fromKnex(await databases.init(id), {
    checks: [meta('probes'), meta('privileged-container', 'critical')],
  });
  await store.saveRun({
    startedAt: AT,
    finishedAt: AT,
    clusterStatuses: [status('prod', AT), status('dev', AT)],
    entities: fixtures,
  });
  return store;
}

const names = async (
  store: PostureStore,
  query: OverviewQuery & { allowedRefs?: Set<string> },
) => (await store.listOverview(query)).rows.map(r => r.name);

describe('PostureStore overview and rollups', () => {
  it.each(databases.eachSupportedId())(
    'filters on every supported field, %p',
    async id => {
      const store = await seeded(id);
      const all = await store.listOverview({});
      expect(all.total).toBe(6);
      expect(all.rows.map(r => r.name)).toEqual([
        'alpha',
        'beta',
        'delta',
        'epsilon',
        'gamma',
        'zeta',
      ]);
      const beta = all.rows[1];
      expect(beta).toEqual({
        entityRef: 'component:default/beta',
        kind: 'Component',
        namespace: 'default',
        name: 'beta',
        title: null,
        owner: 'group:default/team-a',
        system: 'system:default/shop',
        lifecycle: 'experimental',
        clusters: ['dev', 'prod'],
        state: 'scored',
        scalability: byName.get('beta')!.combined!.scores.scalability,
        security: byName.get('beta')!.combined!.scores.security,
        overall: byName.get('beta')!.combined!.overall,
        grade: byName.get('beta')!.combined!.grades.overall,
        level: 'Silver',
        pssLevel: 'restricted',
        lastChangedAt: AT,
      });

      expect(await names(store, { owner: ['Group:default/TEAM-A'] })).toEqual([
        'alpha',
        'beta',
      ]);
      expect(
        await names(store, {
          system: ['system:default/shop', 'system:default/billing'],
        }),
      ).toEqual(['alpha', 'beta', 'gamma']);
      expect(await names(store, { kind: ['component'] })).toEqual([
        'alpha',
        'beta',
        'gamma',
        'zeta',
      ]);
      expect(await names(store, { kind: ['Resource', 'API'] })).toEqual([
        'delta',
        'epsilon',
      ]);
      expect(await names(store, { lifecycle: ['Experimental'] })).toEqual([
        'beta',
      ]);
      expect(await names(store, { cluster: ['dev'] })).toEqual([
        'beta',
        'gamma',
      ]);
      expect(await names(store, { level: ['None'] })).toEqual(['gamma']);
      const gradeA = fixtures
        .filter(e => e.combined?.grades.overall === 'A')
        .map(e => e.name);
      expect(gradeA).toContain('alpha');
      expect(await names(store, { grade: ['A'] })).toEqual(gradeA);
      expect(
        await names(store, {
          owner: ['group:default/team-b'],
          kind: ['Resource'],
        }),
      ).toEqual(['delta']);
      expect(await names(store, { owner: [], kind: [] })).toHaveLength(6);

      // q: case-insensitive substring on name, title and entity ref; % and _ are literal
      expect(await names(store, { q: 'ALPHA' })).toEqual(['alpha']);
      expect(await names(store, { q: 'service' })).toEqual(['alpha']);
      expect(await names(store, { q: 'api:default/' })).toEqual(['epsilon']);
      expect(await names(store, { q: '%' })).toEqual(['epsilon']);
      expect(await names(store, { q: 'üntitled' })).toEqual(['epsilon']);
      expect(await names(store, { q: '_' })).toEqual(['zeta']);
      expect(
        await names(store, { q: 'ta', owner: ['group:default/team-a'] }),
      ).toEqual(['beta']);
    },
  );

  it.each(databases.eachSupportedId())(
    'sorts whitelisted fields with nulls last, and pages, %p',
    async id => {
      const store = await seeded(id);
      const scored = fixtures.filter(e => e.combined);
      const overallDesc = [...scored]
        .sort(
          (a, b) =>
            b.combined!.overall! - a.combined!.overall! ||
            a.entityRef.localeCompare(b.entityRef),
        )
        .map(e => e.name);
      // unscored rows last in both directions, in entity ref order
      expect(await names(store, { sort: 'overall', order: 'desc' })).toEqual([
        ...overallDesc,
        'epsilon',
        'delta',
      ]);
      expect(await names(store, { sort: 'overall', order: 'asc' })).toEqual([
        ...[...overallDesc].reverse(),
        'epsilon',
        'delta',
      ]);
      // zeta has no security score
      expect((await names(store, { sort: 'security' })).slice(-3)).toEqual([
        'epsilon',
        'zeta',
        'delta',
      ]);
      const levels = await store.listOverview({ sort: 'level' });
      expect(levels.rows.map(r => r.level)).toEqual([
        'Gold',
        'Silver',
        'Silver',
        'None',
        null,
        null,
      ]);
      expect(
        (await store.listOverview({ sort: 'level', order: 'desc' })).rows.map(
          r => r.level,
        ),
      ).toEqual(['None', 'Silver', 'Silver', 'Gold', null, null]);
      expect(await names(store, { sort: 'owner', order: 'desc' })).toEqual([
        'zeta',
        'gamma',
        'delta',
        'alpha',
        'beta',
        'epsilon',
      ]);

      const page = await store.listOverview({
        sort: 'name',
        limit: 2,
        offset: 2,
      });
      expect(page.total).toBe(6);
      expect(page.rows.map(r => r.name)).toEqual(['delta', 'epsilon']);
      expect(page.points).toHaveLength(3);
      const past = await store.listOverview({ limit: 10, offset: 10 });
      expect(past.total).toBe(6);
      expect(past.rows).toEqual([]);
      expect((await store.listOverview({})).rows).toHaveLength(6);

      // CSV rows: every match, sorted, regardless of paging
      expect(
        (
          await store.overviewCsvRows({ sort: 'name', order: 'desc', limit: 1 })
        ).map(r => r.name),
      ).toEqual(['zeta', 'gamma', 'epsilon', 'delta', 'beta', 'alpha']);
    },
  );

  it.each(databases.eachSupportedId())(
    'rejects what it does not allow, %p',
    async id => {
      const store = await seeded(id);
      const bad: OverviewQuery[] = [
        { sort: 'title' as any },
        { sort: 'name; drop table posture_entities' as any },
        { order: 'up' as any },
        { limit: 0 },
        { limit: 501 },
        { limit: 2.5 },
        { offset: -1 },
        { grade: ['Z' as Grade] },
        { level: ['Platinum' as Level] },
      ];
      for (const query of bad) {
        await expect(store.listOverview(query)).rejects.toBeInstanceOf(
          InputError,
        );
      }
      await expect(
        store.overviewCsvRows({ sort: 'title' as any }),
      ).rejects.toBeInstanceOf(InputError);
      expect((await store.listOverview({ limit: 500 })).total).toBe(6);
    },
  );

  it.each(databases.eachSupportedId())(
    'computes distribution and points over every match, %p',
    async id => {
      const store = await seeded(id);
      const res = await store.listOverview({ limit: 1 });
      const count = <T>(values: T[]) => {
        const out: Record<string, number> = {};
        for (const v of values)
          out[String(v ?? 'none')] = (out[String(v ?? 'none')] ?? 0) + 1;
        return out;
      };
      const nonZero = (rec: Record<string, number>) =>
        Object.fromEntries(Object.entries(rec).filter(([, n]) => n));
      expect(nonZero(res.distribution.levels)).toEqual(
        count(fixtures.map(e => e.combined?.level)),
      );
      expect(nonZero(res.distribution.pssLevels)).toEqual(
        count(fixtures.map(e => e.combined?.pssLevel)),
      );
      for (const pillar of ['scalability', 'security', 'overall'] as const) {
        expect(nonZero(res.distribution.grades[pillar])).toEqual(
          count(fixtures.map(e => e.combined?.grades[pillar])),
        );
        expect(Object.keys(res.distribution.grades[pillar]).sort()).toEqual([
          'A',
          'B',
          'C',
          'D',
          'F',
          'none',
        ]);
      }
      expect(res.distribution.levels.none).toBe(2);
      expect(res.points).toEqual(
        ['alpha', 'beta', 'gamma'].map(n => ({
          entityRef: `component:default/${n}`,
          name: n,
          scalability: byName.get(n)!.combined!.scores.scalability,
          security: byName.get(n)!.combined!.scores.security,
          grade: byName.get(n)!.combined!.grades.overall,
        })),
      );
      const filtered = await store.listOverview({
        owner: ['group:default/team-b'],
      });
      expect(filtered.distribution.levels).toEqual({
        Gold: 0,
        Silver: 0,
        Bronze: 0,
        None: 1,
        none: 1,
      });
      expect(filtered.points.map(p => p.name)).toEqual(['gamma']);
    },
  );

  it.each(databases.eachSupportedId())(
    'applies the permission filter inside the query, %p',
    async id => {
      const store = await seeded(id);
      const small = new Set([
        'component:default/alpha',
        'component:default/gamma',
        'component:default/unknown',
      ]);
      const res = await store.listOverview({ allowedRefs: small });
      expect(res.rows.map(r => r.name)).toEqual(['alpha', 'gamma']);
      expect(res.total).toBe(2);
      expect(res.points.map(p => p.name)).toEqual(['alpha', 'gamma']);
      expect(res.distribution.levels).toEqual({
        Gold: 1,
        Silver: 0,
        Bronze: 0,
        None: 1,
        none: 0,
      });

      // a set too large for one whereIn is applied in memory; refs compare case-insensitively
      const large = new Set(
        Array.from({ length: 700 }, (_, i) => `component:default/other-${i}`),
      );
      large.add('component:default/beta');
      large.add('Component:default/Zeta');
      expect(
        await names(store, { allowedRefs: large, sort: 'name', order: 'desc' }),
      ).toEqual(['zeta', 'beta']);
      expect(
        (await store.listOverview({ allowedRefs: large, q: 'zeta' })).total,
      ).toBe(1);

      const none = await store.listOverview({ allowedRefs: new Set() });
      expect(none.total).toBe(0);
      expect(none.distribution.levels.none).toBe(0);
      expect(await names(store, { allowedRefs: undefined })).toHaveLength(6);
    },
  );

  it.each(databases.eachSupportedId())(
    'rolls up a group from stored results, %p',
    async id => {
      const store = await seeded(id);
      const teamA = await store.getGroupRollup('Group:default/Team-A', {});
      expect(teamA.groupRef).toBe('group:default/team-a');
      expect(teamA.entities.map(e => e.name)).toEqual(['alpha', 'beta']);
      const [a, b] = [
        byName.get('alpha')!.combined!,
        byName.get('beta')!.combined!,
      ];
      const avg = (x: number, y: number) => Math.round(((x + y) / 2) * 10) / 10;
      expect(teamA.averages).toEqual({
        scalability: avg(a.scores.scalability!, b.scores.scalability!),
        security: avg(a.scores.security!, b.scores.security!),
        overall: avg(a.overall!, b.overall!),
      });
      expect(teamA.levels).toEqual({
        Gold: 1,
        Silver: 1,
        Bronze: 0,
        None: 0,
        none: 0,
      });
      expect(teamA.worstChecks).toEqual([
        // beta fails probes in two clusters: still one entity
        {
          checkId: 'probes',
          title: 'Title of probes',
          severity: 'medium',
          failing: 1,
          entities: ['component:default/beta'],
        },
        {
          checkId: 'resource-limits',
          title: 'resource-limits',
          severity: 'medium',
          failing: 1,
          entities: ['component:default/beta'],
        },
      ]);

      // an explicit list of owned entities, with checks failing in several of them first
      const owned = await store.getGroupRollup('group:default/x', {
        ownedRefs: [
          'component:default/gamma',
          'Component:default/Beta',
          'resource:default/delta',
        ],
        checks: [meta('resource-limits')],
      });
      expect(owned.entities.map(e => e.name)).toEqual([
        'beta',
        'delta',
        'gamma',
      ]);
      expect(owned.averages.overall).toBe(
        avg(
          byName.get('beta')!.combined!.overall!,
          byName.get('gamma')!.combined!.overall!,
        ),
      );
      expect(owned.levels).toEqual({
        Gold: 0,
        Silver: 1,
        Bronze: 0,
        None: 1,
        none: 1,
      });
      expect(
        owned.worstChecks.map(w => [w.checkId, w.failing, w.severity, w.title]),
      ).toEqual([
        ['probes', 2, 'medium', 'Title of probes'],
        [
          'privileged-container',
          1,
          'critical',
          'Title of privileged-container',
        ],
        ['resource-limits', 1, 'medium', 'Title of resource-limits'],
      ]);
      const limited = await store.getGroupRollup('group:default/x', {
        ownedRefs: ['component:default/gamma', 'component:default/beta'],
        allowedRefs: new Set(['component:default/gamma']),
        worstChecksLimit: 1,
      });
      expect(limited.entities.map(e => e.name)).toEqual(['gamma']);
      expect(limited.worstChecks.map(w => w.checkId)).toEqual([
        'privileged-container',
      ]);

      const empty = await store.getGroupRollup('group:default/nobody', {});
      expect(empty).toEqual({
        groupRef: 'group:default/nobody',
        entities: [],
        averages: { scalability: null, security: null, overall: null },
        levels: { Gold: 0, Silver: 0, Bronze: 0, None: 0, none: 0 },
        worstChecks: [],
      });
    },
  );

  it.each(databases.eachSupportedId())(
    'summarises failing entities per check, %p',
    async id => {
      const store = await seeded(id);
      const checks = [
        meta('probes'),
        meta('privileged-container', 'critical'),
        meta('hpa', 'low'),
        meta('replicas'),
      ];
      const summaries = await store.listCheckSummaries(checks);
      expect(
        summaries.map(s => [s.id, s.failingEntities, s.entityRefs]),
      ).toEqual([
        ['probes', 2, ['component:default/beta', 'component:default/gamma']],
        ['privileged-container', 1, ['component:default/gamma']],
        ['hpa', 1, ['component:default/zeta']],
        ['replicas', 0, []],
      ]);
      expect(summaries[0]).toMatchObject(checks[0]);
      const scoped = await store.listCheckSummaries(checks, {
        allowedRefs: new Set(['component:default/gamma']),
      });
      expect(scoped.map(s => s.failingEntities)).toEqual([1, 1, 0, 0]);
    },
  );

  it.each(databases.eachSupportedId())(
    'gives each check its denominator and its failing entities by owner, readable ones only, %p',
    async id => {
      const store = await seeded(id);
      const checks = [meta('probes'), meta('hpa', 'low'), meta('replicas')];
      const [probes, hpa, replicas] = await store.listCheckSummaries(checks);
      // alpha, beta, gamma and zeta are scored; delta (no workloads) and epsilon (no annotations) are not
      expect(probes.scoredEntities).toBe(4);
      expect(probes.failingByOwner).toEqual([
        {
          owner: 'group:default/team-a',
          failing: 1,
          entityRefs: ['component:default/beta'],
        },
        {
          owner: 'group:default/team-b',
          failing: 1,
          entityRefs: ['component:default/gamma'],
        },
      ]);
      expect(hpa.failingByOwner).toEqual([
        {
          owner: 'group:default/team-c',
          failing: 1,
          entityRefs: ['component:default/zeta'],
        },
      ]);
      expect(replicas).toMatchObject({
        failingEntities: 0,
        scoredEntities: 4,
        failingByOwner: [],
      });

      const [scoped] = await store.listCheckSummaries(checks, {
        allowedRefs: new Set([
          'component:default/gamma',
          'component:default/delta',
        ]),
      });
      // the denominator counts only what the caller may read, and scored: gamma
      expect(scoped.scoredEntities).toBe(1);
      expect(scoped.failingByOwner).toEqual([
        {
          owner: 'group:default/team-b',
          failing: 1,
          entityRefs: ['component:default/gamma'],
        },
      ]);
    },
  );

  it.each(databases.eachSupportedId())(
    'filters by balance quadrant, but keeps every point for the chart, %p',
    async id => {
      const store = await seeded(id);
      const all = await store.listOverview({});
      // zeta has no security result, so no point; delta and epsilon are unscored
      expect(all.points.map(p => p.name)).toEqual(['alpha', 'beta', 'gamma']);

      const atRisk = await store.listOverview({ quadrant: ['at-risk'] });
      expect(atRisk.rows.map(r => r.name)).toEqual(['gamma']);
      expect(atRisk.total).toBe(1);
      expect(atRisk.distribution.levels).toEqual({
        Gold: 0,
        Silver: 0,
        Bronze: 0,
        None: 1,
        none: 0,
      });
      // the quadrant is a facet: the points are those of the other filters
      expect(atRisk.points).toEqual(all.points);

      expect(
        await names(store, { quadrant: ['balanced', 'secure-fragile'] }),
      ).toEqual(['alpha', 'beta']);
      expect(await names(store, { quadrant: ['scalable-exposed'] })).toEqual(
        [],
      );
      // with the other filters, points follow those
      const shop = await store.listOverview({
        quadrant: ['balanced'],
        system: ['system:default/shop'],
      });
      expect(shop.rows.map(r => r.name)).toEqual(['alpha']);
      expect(shop.points.map(p => p.name)).toEqual(['alpha', 'beta']);

      // the cached JSON says the same as the object API, for shared and per-user views
      for (const allowedRefs of [
        undefined,
        new Set(['component:default/alpha', 'component:default/gamma']),
      ]) {
        const query = { quadrant: ['at-risk' as const], allowedRefs };
        const json = await store.listOverviewJson(query);
        expect(JSON.parse(json.body.toString('utf8'))).toEqual(
          await store.listOverview(query),
        );
      }
      const scoped = await store.listOverview({
        quadrant: ['secure-fragile'],
        allowedRefs: new Set([
          'component:default/alpha',
          'component:default/gamma',
        ]),
      });
      expect(scoped.total).toBe(0);
      expect(scoped.points.map(p => p.name)).toEqual(['alpha', 'gamma']);
      expect(
        (await store.overviewCsvRows({ quadrant: ['at-risk'] })).map(
          r => r.name,
        ),
      ).toEqual(['gamma']);

      await expect(
        store.listOverview({ quadrant: ['nowhere' as never] }),
      ).rejects.toThrow(InputError);
    },
  );
});

describe('PostureStore at scale', () => {
  const N = 5000;
  const teams = Array.from({ length: 25 }, (_, i) => `group:default/team-${i}`);
  const checkIds = [
    'replicas',
    'probes',
    'resource-limits',
    'run-as-non-root',
    'privileged-container',
    'hpa',
  ];

  function bigFleet(): EntityScorecard[] {
    return Array.from({ length: N }, (_, i) => {
      // a deterministic mix of outcomes, so grades and levels spread out
      const results = checkIds.map((c, k) =>
        result(c, (i * 7 + k * 3) % 5 < 2 ? 'fail' : 'pass', {
          severity: (['critical', 'high', 'medium', 'low'] as const)[
            (i + k) % 4
          ],
          pillar: k % 2 ? 'security' : 'scalability',
        }),
      );
      return entity({
        name: `svc-${String(i).padStart(4, '0')}`,
        title: i % 3 ? `Service ${i}` : null,
        owner: teams[i % teams.length],
        system: `system:default/sys-${i % 60}`,
        lifecycle: i % 4 ? 'production' : 'experimental',
        state: i % 50 === 0 ? 'no-annotations' : undefined,
        clusters: i % 50 === 0 ? {} : { [`c${i % 3}`]: results },
      });
    });
  }

  it.each(databases.eachSupportedId())(
    'serves a filtered, sorted overview of 5,000 entities, %p',
    async id => {
      const store = await PostureStore.fromKnex(await databases.init(id));
      const fleet = bigFleet();
      await store.saveRun({
        startedAt: AT,
        finishedAt: AT,
        clusterStatuses: [status('c0', AT), status('c1', AT), status('c2', AT)],
        entities: fleet,
      });

      const queries: (OverviewQuery & { allowedRefs?: Set<string> })[] = [
        { owner: teams.slice(0, 5), sort: 'overall', order: 'desc', limit: 50 },
        { sort: 'security', order: 'asc', limit: 50, offset: 2000 },
        { q: 'service 12', sort: 'name' },
        { cluster: ['c1'], level: ['Bronze', 'None'], sort: 'level' },
        {
          sort: 'grade',
          allowedRefs: new Set(
            fleet.filter((_, i) => i % 2).map(e => e.entityRef),
          ),
        },
      ];
      // correctness at scale only: speed is measured by `yarn bench`, never asserted in a test
      for (const query of queries) {
        const res = await store.listOverview(query);
        expect(res.total).toBeGreaterThan(0);
      }

      const first = await store.listOverview(queries[0]);
      expect(first.total).toBe(
        fleet.filter(e => teams.slice(0, 5).includes(e.owner!)).length,
      );
      expect(first.rows).toHaveLength(50);
      const overalls = first.rows.map(r => r.overall!);
      expect([...overalls].sort((a, b) => b - a)).toEqual(overalls);
      expect((await store.listOverview(queries[4])).total).toBe(N / 2);
    },
  );
});
