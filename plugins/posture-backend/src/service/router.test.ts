import { mockCredentials } from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import request from 'supertest';
import { entity, result, status } from '../store/testFixtures';
import { openApiRoutes, startPosture } from './testBackend';

jest.setTimeout(60_000);

const USER = mockCredentials.user.header('user:default/alice');

/** Three entities; `api` alone fails pss-privileged and has its own system, so filtering it out is visible. */
const ENTITIES = [
  entity({
    name: 'web',
    owner: 'group:default/team-a',
    clusters: { prod: [result('run-as-non-root', 'pass'), result('replicas', 'fail', { pillar: 'scalability' })] },
  }),
  entity({
    name: 'api',
    owner: 'group:default/team-a',
    system: 'system:default/secret-system',
    clusters: {
      prod: [
        result('pss-privileged', 'fail', { severity: 'critical', workload: 'api' }),
        result('run-as-non-root', 'fail', { severity: 'high', workload: 'api' }),
      ],
    },
  }),
  entity({ name: 'db', owner: 'group:default/team-a', clusters: { prod: [result('run-as-non-root', 'pass')] } }),
];
const CLUSTERS = [status('prod', '2025-01-01T00:00:00.000Z')];
const READABLE = new Set(['component:default/web', 'component:default/db']);

const ROUTES = openApiRoutes({ kind: 'component', namespace: 'default', name: 'web', id: 'demo' });
/** a campaign for GET /campaigns/{id} to find */
const CAMPAIGNS = { campaigns: [{ id: 'demo', title: 'Demo', target: { level: 'Silver' }, deadline: '2027-03-31' }] };
/** groups are addressed by their own namespace/name */
const pathOf = (r: (typeof ROUTES)[number]) =>
  r.template.startsWith('/groups/') ? r.template.replace('{namespace}', 'default').replace('{name}', 'team-a') : r.path;

function send(server: any, method: 'get' | 'post', p: string, auth?: string) {
  const req = request(server)[method](`/api/posture${p}`);
  return auth ? req.set('Authorization', auth) : req;
}

describe('posture REST API', () => {
  it('covers every route in openapi.yaml', () => {
    expect(ROUTES.map(r => `${r.method.toUpperCase()} ${r.template}`).sort()).toEqual([
      'GET /campaigns',
      'GET /campaigns/{id}',
      'GET /checks',
      'GET /clusters',
      'GET /entities/{kind}/{namespace}/{name}',
      'GET /entities/{kind}/{namespace}/{name}/campaigns',
      'GET /entities/{kind}/{namespace}/{name}/history',
      'GET /exemptions',
      'GET /groups/{namespace}/{name}',
      'GET /groups/{namespace}/{name}/trend',
      'GET /health',
      'GET /overview',
      'GET /overview.csv',
      'GET /right-sizing',
      'GET /setup',
      'POST /refresh',
      'GET /trend',
    ].sort());
    // what the auth tests below prove is what the spec documents
    for (const r of ROUTES.filter(x => x.template !== '/health')) {
      expect({ route: r.template, documents: r.responses.filter(c => c === '401' || c === '403') }).toEqual({
        route: r.template,
        // /setup needs a signed-in caller but no permission: it tells only whether any cluster is configured
        documents: r.template === '/setup' ? ['401'] : ['401', '403'],
      });
    }
  });

  describe('auth', () => {
    it('answers 401 on every route but /health without credentials, and with bad credentials', async () => {
      const t = await startPosture({ entities: ENTITIES, clusterStatuses: CLUSTERS });
      try {
        for (const route of ROUTES) {
          const none = await send(t.server, route.method, pathOf(route));
          const bad = await send(t.server, route.method, pathOf(route), mockCredentials.user.invalidHeader());
          const expected = route.template === '/health' ? 200 : 401;
          expect({ route: route.template, none: none.status }).toEqual({ route: route.template, none: expected });
          expect({ route: route.template, bad: bad.status }).toEqual({ route: route.template, bad: expected });
          if (expected === 401) expect(none.body.error.name).toBe('AuthenticationError');
        }
      } finally {
        await t.stop();
      }
    });

    it('answers 403 on every route but /health when the policy denies, and 2xx when it allows', async () => {
      const deny = await startPosture({
        entities: ENTITIES,
        clusterStatuses: CLUSTERS,
        permissions: { result: AuthorizeResult.DENY },
      });
      const allow = await startPosture({ entities: ENTITIES, clusterStatuses: CLUSTERS, postureConfig: CAMPAIGNS });
      try {
        for (const route of ROUTES) {
          const denied = await send(deny.server, route.method, pathOf(route), USER);
          const expected = route.template === '/health' || route.template === '/setup' ? 200 : 403;
          expect({ route: route.template, status: denied.status }).toEqual({ route: route.template, status: expected });
          if (expected === 403) {
            expect(denied.body.error.name).toBe('NotAllowedError');
            // nothing of the stored data leaks in the error
            expect(JSON.stringify(denied.body)).not.toMatch(/secret-system|pss-privileged|prod/);
          }
        }
        // refresh last: it runs a collection, which replaces the stored entities
        for (const route of [...ROUTES].sort((a, b) => Number(a.method === 'post') - Number(b.method === 'post'))) {
          const allowed = await send(allow.server, route.method, pathOf(route), USER);
          expect({ route: route.template, status: allowed.status }).toEqual({
            route: route.template,
            status: route.method === 'post' ? 202 : 200,
          });
        }
      } finally {
        await deny.stop();
        await allow.stop();
      }
    });

    it('GET /setup counts the configured clusters, and the log says when there are none', async () => {
      const configured = await startPosture({ entities: ENTITIES, clusterStatuses: CLUSTERS });
      const noneLogs: { level: string; message: string }[] = [];
      const none = await startPosture({ noClusters: true, logs: noneLogs });
      try {
        expect((await send(configured.server, 'get', '/setup', USER)).body).toEqual({ clustersConfigured: 1 });
        expect((await send(none.server, 'get', '/setup', USER)).body).toEqual({ clustersConfigured: 0 });
        const warned = (l: { level: string; message: string }) =>
          l.level === 'warn' && l.message.startsWith('Posture: no cluster is configured, so nothing will be scored');
        expect(noneLogs.filter(warned)).toHaveLength(1);
        expect(configured.logs.filter(warned)).toHaveLength(0);
      } finally {
        await configured.stop();
        await none.stop();
      }
    });

    it('a service principal is allowed like a user', async () => {
      const t = await startPosture({ entities: ENTITIES, clusterStatuses: CLUSTERS });
      try {
        const r = await send(t.server, 'get', '/overview', mockCredentials.service.header());
        expect(r.status).toBe(200);
        expect(r.body.total).toBe(3);
      } finally {
        await t.stop();
      }
    });
  });

  describe('a conditional read permission is enforced per entity', () => {
    let t: Awaited<ReturnType<typeof startPosture>>;
    beforeAll(async () => {
      t = await startPosture({
        entities: ENTITIES,
        clusterStatuses: CLUSTERS,
        permissions: { conditional: READABLE },
      });
    });
    afterAll(() => t.stop());

    const get = (p: string) => send(t.server, 'get', p, USER);
    const hidden = /component:default\/api|secret-system|pss-privileged/;

    it('overview: rows, totals, distribution and points cover readable entities only', async () => {
      const all = await get('/overview?limit=500');
      expect(all.status).toBe(200);
      expect(all.body.rows.map((r: any) => r.entityRef).sort()).toEqual([...READABLE].sort());
      expect(all.body.total).toBe(2);
      // points are the entities scored on both pillars
      expect(all.body.points.map((p: any) => p.entityRef)).toEqual(['component:default/web']);
      const sum = (counts: Record<string, number>) => Object.values(counts).reduce((a, b) => a + b, 0);
      expect(sum(all.body.distribution.grades.overall)).toBe(2);
      expect(sum(all.body.distribution.levels)).toBe(2);
      expect(sum(all.body.distribution.grades.security)).toBe(2);
      expect(JSON.stringify(all.body)).not.toMatch(hidden);
      // a filter that only the hidden entity matches finds nothing, and its total says so
      const bySystem = await get('/overview?system=system:default/secret-system');
      expect(bySystem.body).toMatchObject({ total: 0, rows: [], points: [] });
      const byText = await get('/overview?q=api');
      expect(byText.body.total).toBe(0);
    });

    it('overview by quadrant: readable entities only, and the points stay those of the other filters', async () => {
      // web fails replicas (scalability) and passes run-as-non-root (security): secure but fragile
      const fragile = await get('/overview?quadrant=secure-fragile');
      expect(fragile.status).toBe(200);
      expect(fragile.body.rows.map((r: any) => r.entityRef)).toEqual(['component:default/web']);
      // api fails both security checks, but it is not the caller's to see
      const atRisk = await get('/overview?quadrant=at-risk&quadrant=scalable-exposed');
      expect(atRisk.body).toMatchObject({ total: 0, rows: [] });
      expect(atRisk.body.points.map((p: any) => p.entityRef)).toEqual(['component:default/web']);
      expect(JSON.stringify(atRisk.body)).not.toMatch(hidden);
      const csv = await get('/overview.csv?quadrant=at-risk');
      expect(csv.text.trimEnd().split('\r\n')).toHaveLength(1);
    });

    it('checks: the denominator and the failing entities by owner count readable entities only', async () => {
      const { checks } = (await get('/checks')).body;
      const replicas = checks.find((c: any) => c.id === 'replicas');
      expect(replicas).toMatchObject({
        failingEntities: 1,
        scoredEntities: 2,
        failingByOwner: [{ owner: 'group:default/team-a', failing: 1, entityRefs: ['component:default/web'] }],
      });
      // only api, which the caller may not read, fails it
      const privileged = checks.find((c: any) => c.id === 'pss-privileged');
      expect(privileged).toMatchObject({ failingEntities: 0, scoredEntities: 2, failingByOwner: [] });
    });

    it('overview.csv: no line for an entity the user may not read', async () => {
      const csv = await get('/overview.csv');
      expect(csv.status).toBe(200);
      const lines = csv.text.trimEnd().split('\r\n');
      expect(lines).toHaveLength(1 + READABLE.size);
      expect(csv.text).not.toMatch(hidden);
    });

    it('checks and group roll-ups count readable entities only', async () => {
      const checks = await get('/checks');
      expect(checks.status).toBe(200);
      const privileged = checks.body.checks.find((c: any) => c.id === 'pss-privileged');
      expect(privileged).toBeDefined();
      expect(privileged.failingEntities).toBe(0);
      expect(JSON.stringify(checks.body)).not.toMatch(/component:default\/api/);
      const group = await get('/groups/default/team-a');
      expect(group.status).toBe(200);
      expect(group.body.entities.map((e: any) => e.entityRef).sort()).toEqual([...READABLE].sort());
      expect(JSON.stringify(group.body)).not.toMatch(hidden);
    });

    it('entity routes answer 403 for an entity the user may not read, 200 for one they may', async () => {
      for (const p of ['/entities/component/default/api', '/entities/component/default/api/history']) {
        const r = await get(p);
        expect(r.status).toBe(403);
        expect(r.body.error.message).toContain('component:default/api');
      }
      expect((await get('/entities/component/default/web')).status).toBe(200);
      // the check is on the normalised ref: case games do not get around it
      expect((await get('/entities/Component/DEFAULT/API')).status).toBe(403);
    });
  });
});

describe('hostile input', () => {
  let t: Awaited<ReturnType<typeof startPosture>>;
  beforeAll(async () => {
    t = await startPosture({ entities: ENTITIES, clusterStatuses: CLUSTERS });
  });
  afterAll(() => t.stop());

  const get = (p: string) => send(t.server, 'get', p, USER);
  const long = 'a'.repeat(300);
  const tenKb = 'x'.repeat(10 * 1024);
  const ENTITY_PATHS = ['/entities/{ref}', '/entities/{ref}/history'];

  /** [what, path, field the message must name] -> 400 */
  const BAD_REFS: [string, string, RegExp][] = [
    ['NUL byte', 'component/%00/web', /namespace/],
    ['dot-dot', 'component/%2e%2e/web', /namespace/],
    ['encoded slash', 'component/default/a%2Fb', /name/],
    ['300-char name', `component/default/${long}`, /name: .*253/],
    ['unicode', 'component/default/%E2%98%83', /name/],
    ['right-to-left override', 'component/default/web%E2%80%AE', /name/],
    ['SQL in name', `component/default/${encodeURIComponent("' OR 1=1--")}`, /name/],
    ['SQL in kind', `${encodeURIComponent('x; DROP TABLE posture_entities')}/default/web`, /kind/],
    ['leading dash', 'component/default/-web', /name/],
  ];

  it.each(BAD_REFS)('entity ref with %s is a 400 naming the field', async (_what, ref, field) => {
    for (const tpl of ENTITY_PATHS) {
      const r = await get(tpl.replace('{ref}', ref));
      expect({ path: tpl, status: r.status }).toEqual({ path: tpl, status: 400 });
      expect(r.body.error.name).toBe('InputError');
      expect(r.body.error.message).toMatch(/^Invalid entity reference: /);
      expect(r.body.error.message).toMatch(field);
    }
    if (!String(field).includes('kind')) {
      const g = await get(`/groups/${ref.split('/').slice(1).join('/')}`);
      expect(g.status).toBe(400);
      expect(g.body.error.message).toMatch(/^Invalid group reference: /);
    }
  });

  it('a malformed percent escape is a 400, not a 500', async () => {
    const r = await get('/entities/component/default/%zz');
    expect(r.status).toBe(400);
  });

  it('an unknown but well-formed entity is a 404 that names it', async () => {
    const limitBefore = Error.stackTraceLimit;
    const r = await get('/entities/component/default/nope');
    expect(r.status).toBe(404);
    expect(r.body.error.message).toContain('component:default/nope');
    expect(r.body.error.name).toBe('NotFoundError');
    // made without a stack trace (an expected answer), and the process's own limit is as it was
    expect(Error.stackTraceLimit).toBe(limitBefore);
  });

  /** [query, field the message must name] -> 400, on /overview and /overview.csv */
  const BAD_OVERVIEW: [string, RegExp][] = [
    [`q=${tenKb}`, /q: q is at most 200 characters/],
    [`owner=${tenKb}`, /owner.*at most 200 characters/],
    [`owner=${Array.from({ length: 60 }, (_, i) => `o${i}`).join(',')}`, /owner: at most 50 values/],
    ['sort=password', /sort: /],
    [`sort=${encodeURIComponent("name; DROP TABLE posture_entities")}`, /sort: /],
    ['order=sideways', /order: /],
    ['grade=Z', /grade.*: /],
    ['level=Platinum', /level.*: /],
    ['quadrant=top-left', /quadrant.*: /],
    ['limit=-1', /limit: must be at least 1/],
    ['limit=0', /limit: must be at least 1/],
    ['limit=99999999999999999999999', /limit: must be at most 500/],
    ['limit=1e3', /limit: must be an integer/],
    ['limit=ten', /limit: must be an integer/],
    ['offset=-5', /offset: must be at least 0/],
    ['offset=9007199254740993', /offset: must be at most 1000000/],
    ['limit=1&limit=2', /limit: /],
    ['q=a&q=b', /q: /],
    ['sort=name&sort=owner', /sort: /],
    ['owner[$ne]=x', /owner: /],
    ['password=hunter2', /unknown parameter\(s\) password/],
    ['__proto__[admin]=1&foo=bar', /unknown parameter\(s\) foo/],
  ];

  it.each(BAD_OVERVIEW)('overview query %#: a 400 naming the field', async (query, message) => {
    for (const route of ['/overview', '/overview.csv']) {
      const r = await get(`${route}?${query}`);
      expect({ route, query: query.slice(0, 60), status: r.status }).toEqual({ route, query: query.slice(0, 60), status: 400 });
      expect(r.body.error.name).toBe('InputError');
      expect(r.body.error.message).toMatch(/^Invalid overview query: /);
      expect(r.body.error.message).toMatch(message);
      // the message stays short even for a 10 KB value: it names the field, it does not echo the input
      expect(r.body.error.message.length).toBeLessThan(1000);
    }
  });

  it('SQL-looking search text is inert: it matches nothing and the tables survive', async () => {
    for (const q of ["' OR 1=1--", "'; DROP TABLE posture_entities; --", '%', '_', '\\', '" OR ""="']) {
      const r = await get(`/overview?q=${encodeURIComponent(q)}`);
      expect({ q, status: r.status }).toEqual({ q, status: 200 });
      expect({ q, total: r.body.total }).toEqual({ q, total: 0 });
      const owner = await get(`/overview?owner=${encodeURIComponent(q)}`);
      expect({ q, total: owner.body.total }).toEqual({ q, total: 0 });
    }
    expect((await get('/overview')).body.total).toBe(3);
  });

  /** [query, field] -> 400 on history */
  const BAD_HISTORY: [string, RegExp][] = [
    ['from=yesterday', /from: from must be an ISO 8601 date/],
    ['from=1', /from: from must be an ISO 8601 date/],
    ['to=2025-13-45', /to: to must be an ISO 8601 date/],
    ['to=2025-02-30T25:00:00Z', /to: to must be an ISO 8601 date/],
    // Date.parse rolls these over to a real date instead of refusing them
    ['from=2020-02-30', /from: from must be an ISO 8601 date/],
    ['from=2021-02-29', /from: from must be an ISO 8601 date/],
    ['to=2025-04-31T00:00:00Z', /to: to must be an ISO 8601 date/],
    ['to=2025-01-01T24:00:00Z', /to: to must be an ISO 8601 date/],
    ['to=2025-01-01T10:60:00Z', /to: to must be an ISO 8601 date/],
    ['to=2025-00-10', /to: to must be an ISO 8601 date/],
    [`from=${encodeURIComponent("2025-01-01' OR 1=1--")}`, /from: /],
    [`from=${'9'.repeat(100)}`, /from: from is at most 40 characters/],
    ['from=2025-01-01&from=2025-02-01', /from: from must be given once/],
    ['from=2025-02-01&to=2025-01-01', /from: from must not be after to/],
    ['until=2025-01-01', /unknown parameter\(s\) until/],
  ];

  it.each(BAD_HISTORY)('history query %s: a 400 naming the field', async (query, message) => {
    const r = await get(`/entities/component/default/web/history?${query}`);
    expect(r.status).toBe(400);
    expect(r.body.error.message).toMatch(/^Invalid history query: /);
    expect(r.body.error.message).toMatch(message);
  });

  it('accepts good history ranges', async () => {
    for (const q of [
      'from=2024-01-01',
      'from=2024-02-29',
      'from=2024-01-01T00:00:00Z&to=2026-01-01T00:00:00.000%2B02:00',
      'to=2025-12-31T23:59:59Z',
      '',
    ]) {
      const r = await get(`/entities/component/default/web/history?${q}`);
      expect({ q, status: r.status }).toEqual({ q, status: 200 });
    }
  });

  it('routes that take no query refuse any, with the same 400 as elsewhere', async () => {
    for (const [p, what] of [
      ['/checks?x=1', 'checks query'],
      ['/clusters?limit=-1', 'clusters query'],
      ['/groups/default/team-a?password=hunter2', 'group query'],
      ['/entities/component/default/web?include=all', 'scorecard query'],
    ]) {
      const r = await get(p);
      expect({ p, status: r.status }).toEqual({ p, status: 400 });
      expect(r.body.error.name).toBe('InputError');
      expect(r.body.error.message).toMatch(new RegExp(`^Invalid ${what}: unknown parameter\\(s\\) `));
    }
    // /health is public and answers whatever it is asked
    expect((await get('/health?%00=1')).status).toBe(200);
  });

  it('a hostile POST /refresh body is a 4xx, never a 500', async () => {
    const big = await send(t.server, 'post', '/refresh', USER)
      .set('Content-Type', 'application/json')
      .send(`{"a":"${'x'.repeat(20 * 1024)}"}`);
    expect(big.status).toBe(413);
    const broken = await send(t.server, 'post', '/refresh', USER).set('Content-Type', 'application/json').send('{"a":');
    expect(broken.status).toBe(400);
  });
});
