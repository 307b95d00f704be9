import { mockCredentials } from '@backstage/backend-test-utils';
import request from 'supertest';
import { BROAD_SELECTOR_ERROR, entitySelector } from '../mapping';
import { startPosture } from './testBackend';

jest.setTimeout(60_000);

/*
 * An entity's selector must not reveal other teams' workloads. Two rules (docs/security.md):
 * a label selector that names no label value is refused, and an entity whose selector claims a
 * workload another entity also claims is shown only to callers who may read that entity too.
 */

const USER = mockCredentials.user.header('user:default/mallory');

const deployment = (name: string, labels: Record<string, string>) => `apiVersion: apps/v1
kind: Deployment
metadata: {name: ${name}, namespace: shop, labels: ${JSON.stringify(labels)}}
spec:
  replicas: 2
  selector: {matchLabels: {app: ${name}}}
  template:
    metadata: {labels: ${JSON.stringify({ ...labels, app: name })}}
    spec:
      containers: [{name: app, image: registry.example.com/${name}:1.0, securityContext: {privileged: ${name === 'vault'}}}]
`;

const component = (name: string, annotations: Record<string, string>) => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name, namespace: 'default', annotations },
  spec: { type: 'service', lifecycle: 'production', owner: `group:default/${name}-team` },
});

describe('entitySelector', () => {
  const sel = (labelSelector: string) =>
    entitySelector(component('x', { 'backstage.io/kubernetes-label-selector': labelSelector }), ['c']);

  it.each(['!no-such-label', 'app', 'app,!tier', 'tier!=db', 'tier notin (db)', 'app,tier!=x'])(
    'refuses %j: it names no label value',
    s => {
      const r = sel(s);
      expect(r.selector).toBeUndefined();
      expect(r.error).toBe(BROAD_SELECTOR_ERROR);
    },
  );

  it.each(['app=web', 'app==web', 'tier in (web,api)', 'app=web,!canary', 'team=a,tier!=db'])('accepts %j', s => {
    const r = sel(s);
    expect(r.error).toBeUndefined();
    expect(r.selector).toBeDefined();
  });

  it('a kubernetes-id is an equality, always accepted', () => {
    const r = entitySelector(component('x', { 'backstage.io/kubernetes-id': 'web' }), ['c']);
    expect(r.selector).toBeDefined();
  });
});

describe('a selector cannot reveal workloads of an entity the caller may not read', () => {
  let t: Awaited<ReturnType<typeof startPosture>>;
  const get = (p: string) => request(t.server).get(`/api/posture${p}`).set('Authorization', USER);

  beforeAll(async () => {
    t = await startPosture({
      manifests: {
        'shop.yaml': [
          deployment('web', { 'backstage.io/kubernetes-id': 'web', tier: 'frontend' }),
          deployment('vault', { 'backstage.io/kubernetes-id': 'vault', tier: 'backend' }),
        ].join('---\n'),
      },
      catalogEntities: [
        component('web', { 'backstage.io/kubernetes-id': 'web' }),
        component('vault', { 'backstage.io/kubernetes-id': 'vault' }),
        // mallory's own entity selects everything there is
        component('everything', { 'backstage.io/kubernetes-label-selector': '!no-such-label' }),
        // and one that names a value but still reaches into the vault team's workloads
        component('backends', { 'backstage.io/kubernetes-label-selector': 'tier in (frontend,backend)' }),
      ],
      // mallory may read every entity but vault
      permissions: {
        conditional: new Set(['component:default/web', 'component:default/everything', 'component:default/backends']),
      },
    });
    const refresh = await request(t.server).post('/api/posture/refresh').set('Authorization', USER);
    if (refresh.status !== 202) throw new Error(`the collection was refused: ${refresh.status}`);
  });
  afterAll(() => t.stop());

  it('a selector that names no value selects nothing, and says why', async () => {
    const r = await get('/entities/component/default/everything');
    expect(r.status).toBe(200);
    expect(r.body.state).toBe('no-workloads');
    expect(r.body.match.error).toBe(BROAD_SELECTOR_ERROR);
    expect(r.body.results).toEqual([]);
    expect(JSON.stringify(r.body)).not.toContain('vault');
  });

  it("an entity sharing a workload with one the caller may not read is refused, not shown", async () => {
    const r = await get('/entities/component/default/backends');
    expect(r.status).toBe(403);
    expect(JSON.stringify(r.body)).not.toMatch(/pss-privileged|"vault"/);
    // the entity the caller may read and that shares nothing is served as before
    const web = await get('/entities/component/default/web');
    expect(web.status).toBe(200);
  });

  it('lists leave it out too: overview, CSV and check counts', async () => {
    const overview = await get('/overview');
    expect(overview.body.rows.map((r: any) => r.entityRef).sort()).toEqual([
      'component:default/everything',
      'component:default/web',
    ]);
    expect((await get('/overview.csv')).text).not.toContain('backends');
    const checks = await get('/checks');
    const privileged = checks.body.checks.find((c: any) => c.id === 'pss-privileged');
    expect(privileged.failingEntities).toBe(0);
  });

  it('a caller who may read both sees the shared entity, with whom it shares', async () => {
    const all = await startPosture({
      manifests: { 'shop.yaml': deployment('vault', { 'backstage.io/kubernetes-id': 'vault', tier: 'backend' }) },
      catalogEntities: [
        component('vault', { 'backstage.io/kubernetes-id': 'vault' }),
        component('backends', { 'backstage.io/kubernetes-label-selector': 'tier in (frontend,backend)' }),
      ],
    });
    try {
      expect((await request(all.server).post('/api/posture/refresh').set('Authorization', USER)).status).toBe(202);
      const r = await request(all.server).get('/api/posture/entities/component/default/backends').set('Authorization', USER);
      expect(r.status).toBe(200);
      expect(r.body.match.sharedWith).toEqual(['component:default/vault']);
    } finally {
      await all.stop();
    }
  });
});
