import { mockCredentials } from '@backstage/backend-test-utils';
import fs from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import YAML from 'yaml';
import { entity, result, status } from '../store/testFixtures';
import { openApiRoutes, startPosture } from './testBackend';

jest.setTimeout(60_000);

const USER = mockCredentials.user.header('user:default/alice');
const ENTITIES = [
  entity({ name: 'web', owner: 'group:default/team-a', clusters: { prod: [result('run-as-non-root', 'pass')] } }),
];
const CLUSTERS = [status('prod', '2025-01-01T00:00:00.000Z')];
/** one campaign, so that /campaigns/{id} has something to answer */
const CAMPAIGNS = { campaigns: [{ id: 'demo', title: 'Demo', target: { level: 'Silver' }, deadline: '2027-03-31' }] };
const ROUTES = openApiRoutes({ kind: 'component', namespace: 'default', name: 'web', id: 'demo' }).map(r => ({
  ...r,
  path: r.template.startsWith('/groups/') ? '/groups/default/team-a' : r.path,
}));

const send = (server: any, method: 'get' | 'post', p: string, auth?: string) => {
  const req = request(server)[method](`/api/posture${p}`);
  return auth ? req.set('Authorization', auth) : req;
};

describe('responses a shared cache must not keep', () => {
  it('every authenticated route answers Cache-Control: private, no-store, errors included', async () => {
    const t = await startPosture({ entities: ENTITIES, clusterStatuses: CLUSTERS, postureConfig: CAMPAIGNS });
    try {
      // refresh last: it replaces the stored entities
      for (const route of [...ROUTES].sort((a, b) => Number(a.method === 'post') - Number(b.method === 'post'))) {
        if (route.template === '/health') continue;
        const ok = await send(t.server, route.method, route.path, USER);
        expect({ route: route.template, status: ok.status < 300, cc: ok.headers['cache-control'] }).toEqual({
          route: route.template,
          status: true,
          cc: 'private, no-store',
        });
      }
      const missing = await send(t.server, 'get', '/entities/component/default/nope', USER);
      expect(missing.status).toBe(404);
      expect(missing.headers['cache-control']).toBe('private, no-store');
    } finally {
      await t.stop();
    }
  });
});

describe('error bodies', () => {
  const env = process.env.NODE_ENV;
  afterEach(() => {
    process.env.NODE_ENV = env;
  });

  it.each(['production', 'development'])(
    'an internal error (NODE_ENV=%s) answers 500 with a log id, never a stack, SQL or table name',
    async mode => {
      process.env.NODE_ENV = mode;
      const t = await startPosture({ entities: ENTITIES, clusterStatuses: CLUSTERS });
      try {
        // a database failure: SQLite's error quotes the statement and the table
        await t.knex.schema.dropTable('posture_entity_failures');
        const r = await send(t.server, 'get', '/checks', USER);
        expect(r.status).toBe(500);
        const text = JSON.stringify(r.body);
        expect(r.body.error.stack).toBeUndefined();
        expect(text).not.toMatch(/\bat .*\.(ts|js):\d+/);
        expect(text).not.toMatch(/posture_entity_failures|select|SQLITE/i);
        const logId = /logId=([0-9a-f]{16})/.exec(r.body.error.message)?.[1];
        expect(logId).toBeDefined();
        // the details are in the log, under the id the caller was given
        expect(t.logs.some(l => l.level === 'error' && l.message.includes(logId!))).toBe(true);
      } finally {
        await t.stop();
      }
    },
  );

  it('an error from a call the plugin made (a ResponseError with a 4xx) is internal: a log id, no nested body', async () => {
    const t = await startPosture({ entities: ENTITIES, clusterStatuses: CLUSTERS, permissions: { upstreamFailure: true } });
    try {
      const r = await send(t.server, 'get', '/overview', USER);
      expect(r.status).toBe(500);
      expect(r.body.error.message).toMatch(/logId=[0-9a-f]{16}/);
      expect(JSON.stringify(r.body)).not.toMatch(/well-known|apply-conditions|ResponseError/);
    } finally {
      await t.stop();
    }
  });

  it('a client error keeps its message but carries no stack, even in development', async () => {
    process.env.NODE_ENV = 'development';
    const t = await startPosture({ entities: ENTITIES, clusterStatuses: CLUSTERS });
    try {
      for (const p of ['/entities/component/default/nope', '/overview?sort=password', '/checks?x=1']) {
        const r = await send(t.server, 'get', p, USER);
        expect(r.status).toBeGreaterThanOrEqual(400);
        expect(r.status).toBeLessThan(500);
        expect({ p, stack: r.body.error.stack }).toEqual({ p, stack: undefined });
        expect(r.body.error.message).toBeTruthy();
      }
    } finally {
      await t.stop();
    }
  });
});

/** The query parameters the OpenAPI spec documents for a route, and which of them are dates. */
function documentedQuery(template: string, method: string): { names: string[]; dates: string[] } {
  const spec = YAML.parse(fs.readFileSync(path.resolve(__dirname, '../schema/openapi.yaml'), 'utf8'));
  const params: any[] = (spec.paths[template][method].parameters ?? []).map((p: any) =>
    p.$ref ? spec.components.parameters[p.$ref.split('/').pop()] : p,
  );
  const query = params.filter(p => p.in === 'query');
  return {
    names: query.map(p => p.name),
    dates: query.filter(p => p.schema?.format === 'date-time' || p.schema?.format === 'date').map(p => p.name),
  };
}

describe('query input, on every route the spec lists', () => {
  // the group routes with a group that exists, the trend's own path kept
  const SPEC_ROUTES = openApiRoutes({ kind: 'component', namespace: 'default', name: 'web', id: 'demo' }).map(r => ({
    ...r,
    path: r.template.startsWith('/groups/') ? r.path.replace('/groups/default/web', '/groups/default/team-a') : r.path,
  }));
  it('a parameter the route does not document is the same 400 everywhere', async () => {
    const t = await startPosture({ entities: ENTITIES, clusterStatuses: CLUSTERS, postureConfig: CAMPAIGNS });
    try {
      const wrong: unknown[] = [];
      for (const route of SPEC_ROUTES) {
        if (route.template === '/health') continue;
        expect(documentedQuery(route.template, route.method).names).not.toContain('zz_undocumented');
        expect({ route: route.template, documents400: route.responses.includes('400') }).toEqual({ route: route.template, documents400: true });
        const r = await send(t.server, route.method, `${route.path}?zz_undocumented=1`, USER);
        const message: string = r.body.error?.message ?? '';
        if (r.status !== 400 || !/^Invalid [a-z ]+: unknown parameter\(s\) zz_undocumented$/.test(message)) {
          wrong.push(`${route.method.toUpperCase()} ${route.template}: ${r.status} ${message}`);
        }
      }
      expect(wrong).toEqual([]);
    } finally {
      await t.stop();
    }
  });

  it('every date parameter refuses impossible dates that Date.parse would roll over', async () => {
    const t = await startPosture({ entities: ENTITIES, clusterStatuses: CLUSTERS, postureConfig: CAMPAIGNS });
    try {
      let checked = 0;
      for (const route of SPEC_ROUTES) {
        for (const name of documentedQuery(route.template, route.method).dates) {
          for (const bad of ['2020-02-30', '2021-02-29', '2025-04-31', '2025-01-01T24:00:00Z', '2025-01-01T10:60:00Z']) {
            const r = await send(t.server, route.method, `${route.path}?${name}=${encodeURIComponent(bad)}`, USER);
            expect({ route: route.template, name, bad, status: r.status }).toEqual({ route: route.template, name, bad, status: 400 });
            expect(r.body.error.message).toContain(`${name} must be an ISO 8601 date`);
          }
          const ok = await send(t.server, route.method, `${route.path}?${name}=2024-02-29`, USER);
          expect({ route: route.template, name, status: ok.status }).toEqual({ route: route.template, name, status: 200 });
          checked++;
        }
      }
      // history (from, to), /trend and the group trend (from)
      expect(checked).toBe(4);
    } finally {
      await t.stop();
    }
  });
});
