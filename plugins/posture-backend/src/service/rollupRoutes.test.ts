import { mockCredentials } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import request from 'supertest';
import { entity, result, status } from '../store/testFixtures';
import { startPosture } from './testBackend';

jest.setTimeout(60_000);

const USER = mockCredentials.user.header('user:default/alice');

const group = (name: string, children: string[] = []): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Group',
  metadata: { name, namespace: 'default' },
  spec: { type: children.length ? 'department' : 'team', children },
});

/** A department owning nothing itself, over two teams: team-a owns two scored services and one without workloads. */
const ENTITIES = [
  entity({ name: 'web', owner: 'group:default/team-a', clusters: { prod: [result('run-as-non-root', 'pass')] } }),
  entity({
    name: 'api',
    owner: 'group:default/team-a',
    clusters: { prod: [result('pss-privileged', 'fail', { severity: 'critical', workload: 'api' })] },
  }),
  entity({ name: 'batch', owner: 'group:default/team-a' }),
  entity({
    name: 'ledger',
    owner: 'group:default/team-b',
    lifecycle: 'experimental',
    clusters: { prod: [result('replicas', 'fail', { severity: 'high', pillar: 'scalability', workload: 'ledger' })] },
  }),
];
const component = (name: string, tags: string[]): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name, namespace: 'default', tags },
  spec: { type: 'service', owner: 'team-a', lifecycle: 'production' },
});
const CATALOG = [
  group('engineering', ['team-a', 'team-b']),
  group('team-a'),
  group('team-b'),
  component('web', ['java', 'http']),
  component('api', ['go']),
];
const CAMPAIGNS = [
  { id: 'prod-silver', title: 'Production reaches Silver', target: { level: 'Silver' }, deadline: '2027-03-31', scope: { lifecycles: ['production'] } },
  { id: 'no-privileged', title: 'No privileged pods', target: { check: 'pss-privileged' }, deadline: '2027-01-15', scope: { owners: ['engineering'] } },
  { id: 'java-80', title: 'Java services score 80', target: { score: 80 }, deadline: '2027-06-30', scope: { tags: ['Java'], owners: ['team-a'] } },
];

describe('roll-ups along the hierarchy, trends and campaigns', () => {
  let t: Awaited<ReturnType<typeof startPosture>>;
  const get = (p: string) => request(t.server).get(`/api/posture${p}`).set('Authorization', USER);

  describe('with every entity readable', () => {
    beforeAll(async () => {
      t = await startPosture({
        entities: ENTITIES,
        clusterStatuses: [status('prod', '2025-01-01T00:00:00.000Z')],
        catalogEntities: CATALOG,
        postureConfig: { campaigns: CAMPAIGNS },
      });
    });
    afterAll(() => t.stop());

    it('a department rolls up its teams, and says how many of them are scored', async () => {
      const r = await get('/groups/default/engineering');
      expect(r.status).toBe(200);
      expect(r.body.scope).toBe('tree');
      expect(r.body.groups).toEqual(['group:default/engineering', 'group:default/team-a', 'group:default/team-b']);
      expect(r.body.entities.map((e: any) => e.name)).toEqual(['api', 'batch', 'ledger', 'web']);
      expect(r.body.counts).toEqual({ total: 4, scored: 3 });
      expect(r.body.averages.overall).not.toBeNull();
      expect(r.body.children).toEqual([
        expect.objectContaining({ groupRef: 'group:default/team-a', total: 3, scored: 2 }),
        expect.objectContaining({ groupRef: 'group:default/team-b', total: 1, scored: 1 }),
      ]);
      expect(r.body.worstChecks.map((c: any) => c.checkId).sort()).toEqual(['pss-privileged', 'replicas']);
    });

    it('scope=direct keeps to what the group owns itself', async () => {
      const r = await get('/groups/default/engineering?scope=direct');
      expect(r.body).toMatchObject({ scope: 'direct', counts: { total: 0, scored: 0 }, children: [] });
      const team = await get('/groups/default/team-a?scope=direct');
      expect(team.body.counts).toEqual({ total: 3, scored: 2 });
      expect((await get('/groups/default/team-a?scope=everything')).status).toBe(400);
    });

    it('trends average the stored history, for the org and for a group', async () => {
      const org = await get('/trend');
      expect(org.status).toBe(200);
      expect(org.body.points[0]).toMatchObject({ at: '2025-01-01T00:00:00.000Z', scored: 4 - 1 });
      const team = await get('/groups/default/team-b/trend');
      expect(team.body.points[0].scored).toBe(1);
      expect((await get('/trend?from=yesterday')).status).toBe(400);
    });

    it('lists campaigns with progress, and details one with blockers, teams and a burn-down', async () => {
      const list = await get('/campaigns');
      expect(list.status).toBe(200);
      expect(list.body.campaigns.map((c: any) => [c.id, c.progress.met, c.progress.total])).toEqual([
        // production: web (Gold) meets it; api (critical) and batch (not scored) do not
        ['prod-silver', 1, 3],
        // the department's subtree: only api fails the check; batch has no score
        ['no-privileged', 2, 4],
        // tagged java (the catalog's tags) and owned by team-a: web alone
        ['java-80', 1, 1],
      ]);
      const d = await get('/campaigns/prod-silver');
      expect(d.body.entities.filter((e: any) => !e.met).map((e: any) => [e.entityRef, e.blockingChecks.map((c: any) => c.checkId), e.reason])).toEqual([
        ['component:default/api', ['pss-privileged'], null],
        ['component:default/batch', [], expect.stringMatching(/^not scored/)],
      ]);
      expect(d.body.byOwner).toEqual([{ owner: 'group:default/team-a', total: 3, met: 1 }]);
      expect(d.body.burndown[0]).toEqual({ at: '2025-01-01T00:00:00.000Z', short: 2, total: 3 });
      expect((await get('/campaigns/nope')).status).toBe(404);
      expect((await get('/campaigns/..%2Fx')).status).toBe(400);
    });

    it("an entity's campaigns", async () => {
      const r = await get('/entities/component/default/api/campaigns');
      expect(r.body.campaigns.map((c: any) => [c.id, c.met])).toEqual([
        ['prod-silver', false],
        ['no-privileged', false],
      ]);
      expect((await get('/entities/component/default/web/campaigns')).body.campaigns.map((c: any) => c.id)).toEqual([
        'prod-silver',
        'no-privileged',
        'java-80',
      ]);
      const ledger = await get('/entities/component/default/ledger/campaigns');
      expect(ledger.body.campaigns.map((c: any) => c.id)).toEqual(['no-privileged']);
    });
  });

  describe('with a conditional decision (only web readable)', () => {
    beforeAll(async () => {
      t = await startPosture({
        entities: ENTITIES,
        catalogEntities: CATALOG,
        postureConfig: { campaigns: CAMPAIGNS },
        permissions: { conditional: new Set(['component:default/web']) },
      });
    });
    afterAll(() => t.stop());

    it('rolls up, trends and campaigns cover readable entities only', async () => {
      const g = await get('/groups/default/engineering');
      expect(g.body.entities.map((e: any) => e.name)).toEqual(['web']);
      expect(g.body.counts).toEqual({ total: 1, scored: 1 });
      const list = await get('/campaigns');
      expect(list.body.campaigns.map((c: any) => c.progress.total)).toEqual([1, 1, 1]);
      const d = await get('/campaigns/no-privileged');
      expect(JSON.stringify(d.body)).not.toMatch(/default\/(api|batch|ledger)/);
      expect((await get('/trend')).body.points[0].scored).toBe(1);
      expect((await get('/entities/component/default/api/campaigns')).status).toBe(403);
    });
  });
});
