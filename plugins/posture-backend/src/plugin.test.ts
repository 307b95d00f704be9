import { coreServices, createServiceFactory } from '@backstage/backend-plugin-api';
import { TestDatabases, mockCredentials, mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { Entity } from '@backstage/catalog-model';
import { EntityScorecard, OverviewResponse, scoreResults } from '@posture-dev/backstage-plugin-posture-common';
import { builtInChecks } from '@posture-dev/backstage-plugin-posture-node';
import request from 'supertest';
import {
  API,
  LISTED_KINDS,
  TestCluster,
  component,
  expectedRequests,
  startCluster,
  startPostureBackend,
  workloadObjects,
} from './__testUtils__/harness';
import { KubeApiTestServer } from './testUtils';
import { posturePlugin } from './plugin';
import { collectionTaskId } from './scheduling';
import { LogLine, capturingRootLogger } from './service/testBackend';

jest.setTimeout(60_000);

// PostgreSQL runs when BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING is set; never start a container
const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'], disableDocker: true });
if (!databases.supports('POSTGRES_15')) {
  // eslint-disable-next-line no-console
  console.info('plugin tests: PostgreSQL 15 skipped (set BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING to run it)');
}

const pssLevels = new Map(builtInChecks.map(c => [c.meta.id, c.meta.pssLevel]));
const pssLevelOf = (id: string) => pssLevels.get(id);

const servers: KubeApiTestServer[] = [];
async function cluster(name: string, objects: object[]) {
  const server = await startCluster(name, objects);
  servers.push(server);
  return server;
}
afterEach(async () => {
  await Promise.all(servers.splice(0).map(s => s.close()));
});

describe('posture backend', () => {
  it.each(databases.eachSupportedId())(
    'collects three clusters, one of them failing, and serves the scorecards, %p',
    async id => {
      const knex = await databases.init(id);
      const east = await cluster('east', [
        ...workloadObjects({ id: 'shop' }),
        ...workloadObjects({ id: 'pay', hardened: true }),
      ]);
      const west = await cluster('west', workloadObjects({ id: 'shop', hardened: true }));
      const broken = await cluster('broken', workloadObjects({ id: 'search' }));
      broken.setFaults([{ fault: 'status', code: 403 }]);

      const backend = await startPostureBackend({
        knex,
        clusters: [
          { name: 'east', server: east },
          { name: 'west', server: west },
          { name: 'broken', server: broken },
        ],
        entities: [component('shop'), component('pay'), component('search'), component('docs', { kubernetesId: null })],
      });

      // reads before any collection are served from an empty store
      const empty = await backend.get<OverviewResponse>('/overview');
      expect(empty.total).toBe(0);
      // the test backend treats a request without a token as a user; an anonymous caller is refused
      const anonymous = await request(backend.server).get(`${API}/clusters`).set('Authorization', mockCredentials.none.header());
      expect(anonymous.status).toBe(401);

      await backend.refresh();
      // this replica published its collection load for the others to read
      expect(await knex('posture_replica_loads').select('running')).toEqual([{ running: expect.any(Number) }]);

      // shop runs in two clusters: one scorecard per cluster plus the combined one
      const shop = await backend.entity('shop');
      expect(shop.state).toBe('scored');
      expect(shop.clusters.map(c => c.cluster)).toEqual(['east', 'west']);
      for (const c of shop.clusters) {
        expect(c).toMatchObject({ stale: false, error: null });
        expect(c.workloads).toEqual([expect.objectContaining({ kind: 'Deployment', namespace: 'apps', name: 'shop' })]);
        // each cluster's scorecard is the score of that cluster's results
        expect(c.scorecard).toEqual(scoreResults(shop.results.filter(r => r.cluster === c.cluster), { pssLevelOf }));
      }
      const [inEast, inWest] = shop.clusters;
      // the hardened copy in west fails fewer checks than the one in east
      expect(inWest.scorecard.counts.fail).toBeLessThan(inEast.scorecard.counts.fail);
      const rorfs = (cluster: string) =>
        shop.results.find(r => r.cluster === cluster && r.checkId === 'read-only-root-filesystem')?.status;
      expect(rorfs('east')).toBe('fail');
      expect(rorfs('west')).toBe('pass');
      // the combined score covers both clusters' results
      expect(shop.combined).toEqual(scoreResults(shop.results, { pssLevelOf }));
      expect(shop.combined!.counts.fail).toBe(inEast.scorecard.counts.fail + inWest.scorecard.counts.fail);
      expect(shop.combined!.counts.pass).toBe(inEast.scorecard.counts.pass + inWest.scorecard.counts.pass);
      expect(shop.combined!.overall).toBeGreaterThan(inEast.scorecard.overall!);
      expect(shop.combined!.overall).toBeLessThan(inWest.scorecard.overall!);

      const pay = await backend.entity('pay');
      expect(pay.clusters.map(c => c.cluster)).toEqual(['east']);
      expect(pay.combined).toEqual(pay.clusters[0].scorecard);

      const docs = await backend.entity('docs');
      expect(docs).toMatchObject({ state: 'no-annotations', combined: null, clusters: [], results: [] });
      // search runs only in the cluster that refused us
      const search = await backend.entity('search');
      expect(search).toMatchObject({ state: 'no-workloads', combined: null, clusters: [] });

      const statuses = await backend.clusters();
      expect(statuses.map(s => s.name)).toEqual(['broken', 'east', 'west']);
      expect(statuses[0]).toMatchObject({
        name: 'broken',
        stale: true,
        collectedAt: null,
        error: expect.stringMatching(/^403 Forbidden/),
      });
      expect(statuses[1]).toMatchObject({ name: 'east', stale: false, error: null });
      expect(statuses[1].objectCounts).toMatchObject({ Deployment: 2, Service: 2, HorizontalPodAutoscaler: 2, PodDisruptionBudget: 2 });
      expect(statuses[2].objectCounts).toMatchObject({ Deployment: 1 });
      expect(statuses[1].collectedAt).toBe(statuses[1].lastAttemptAt);
      expect(broken.stats.wasRequested('deployments')).toBe(false);

      const overview = await backend.get<OverviewResponse>('/overview?sort=name&order=asc');
      expect(overview.total).toBe(4);
      expect(overview.rows.map(r => [r.name, r.state, r.clusters])).toEqual([
        ['docs', 'no-annotations', []],
        ['pay', 'scored', ['east']],
        ['search', 'no-workloads', []],
        ['shop', 'scored', ['east', 'west']],
      ]);
      const shopRow = overview.rows.find(r => r.name === 'shop')!;
      expect(shopRow).toMatchObject({
        overall: shop.combined!.overall,
        grade: shop.combined!.grades.overall,
        level: shop.combined!.level,
      });
      expect(overview.distribution.grades.overall.none).toBe(2);
      const graded = Object.entries(overview.distribution.grades.overall).filter(([g]) => g !== 'none');
      expect(graded.reduce((n, [, v]) => n + v, 0)).toBe(2);
      expect(overview.distribution.levels[shop.combined!.level]).toBeGreaterThanOrEqual(1);
      expect(overview.points.map(p => p.name).sort()).toEqual(['pay', 'shop']);
      expect(overview.points.find(p => p.name === 'shop')).toMatchObject({
        scalability: shop.combined!.scores.scalability,
        security: shop.combined!.scores.security,
      });
      // every scored entity has its first history point
      expect(await backend.history('shop')).toHaveLength(1);
      expect(await backend.history('docs')).toHaveLength(0);
    },
  );

  /** 3 clusters: entity i runs in cluster i % 3, and every tenth also in the next cluster. */
  async function fleet(entityCount: number) {
    const names = ['east', 'west', 'central'];
    const objects: object[][] = names.map(() => []);
    const entities: Entity[] = [];
    for (let i = 0; i < entityCount; i++) {
      const id = `svc-${String(i).padStart(4, '0')}`;
      entities.push(component(id, { owner: `group:default/team-${i % 7}` }));
      const spec = { id, namespace: `ns-${i % 20}`, hardened: i % 2 === 0 };
      objects[i % 3].push(...workloadObjects(spec));
      if (i % 10 === 0) objects[(i + 1) % 3].push(...workloadObjects(spec));
    }
    const clusters: TestCluster[] = [];
    for (let c = 0; c < names.length; c++) {
      clusters.push({ name: names[c], server: await cluster(names[c], objects[c]) });
    }
    return { clusters, entities };
  }

  async function countOneCollection(entityCount: number) {
    const { clusters, entities } = await fleet(entityCount);
    const backend = await startPostureBackend({ knex: await databases.init('SQLITE_3'), clusters, entities });
    await backend.refresh();
    const total = clusters.reduce((n, c) => n + c.server.stats.total, 0);
    const expected = clusters.reduce((n, c) => n + expectedRequests(c.server, 500), 0);
    const overview = await backend.get<OverviewResponse>('/overview?limit=1');
    return { total, expected, overview, backend, clusters };
  }

  it('makes one LIST per kind and page per cluster, however many entities', async () => {
    const large = await countOneCollection(1000);
    // eslint-disable-next-line no-console
    console.log(`requests for 3 clusters x 1000 entities: ${large.total}`);
    expect(large.total).toBe(large.expected);
    // at most 500 objects per kind per cluster here, so one page each: discovery, version, one LIST per kind
    expect(large.total).toBe(3 * (2 + LISTED_KINDS.length));
    for (const c of large.clusters) {
      expect(c.server.stats.count({ verb: 'discovery' })).toBe(1);
      expect(c.server.stats.count({ verb: 'version' })).toBe(1);
      expect(c.server.stats.count({ verb: 'list' })).toBe(LISTED_KINDS.length);
      expect(c.server.stats.count({ verb: 'get' })).toBe(0);
    }
    expect(large.overview.total).toBe(1000);
    expect(large.overview.distribution.grades.overall.none).toBe(0);
    const twice: EntityScorecard = await large.backend.entity('svc-0990');
    expect(twice.clusters.map(c => c.cluster)).toEqual(['east', 'west']);

    await Promise.all(servers.splice(0).map(s => s.close()));
    const small = await countOneCollection(100);
    expect(small.overview.total).toBe(100);
    expect(small.total).toBe(small.expected);
    expect(small.total).toBe(large.total);
  });
});

describe('scheduling the clusters', () => {
  it("starts, and schedules the other clusters, when the scheduler refuses one cluster's task", async () => {
    const scheduled: string[] = [];
    const triggered: string[] = [];
    const scheduler = mockServices.scheduler.mock({
      scheduleTask: async task => {
        // what PostgreSQL answered for a task id over the scheduler's varchar(255)
        if (task.id === collectionTaskId('west')) throw new Error('value too long for type character varying(255)');
        scheduled.push(task.id);
      },
      triggerTask: async id => {
        triggered.push(id);
      },
    });
    const logs: LogLine[] = [];
    const kubernetes = (name: string) => ({ type: 'kubernetes', name, url: 'https://k8s.invalid', serviceAccountToken: 't' });
    const { server } = await startTestBackend({
      features: [
        posturePlugin,
        scheduler.factory,
        catalogServiceMock.factory({ entities: [] }),
        mockServices.database.factory({ knex: await databases.init('SQLITE_3') }),
        createServiceFactory({ service: coreServices.rootLogger, deps: {}, factory: () => capturingRootLogger(logs) }),
        mockServices.rootConfig.factory({
          data: {
            posture: {
              useKubernetesClusters: false,
              workerThreads: false,
              clusters: [kubernetes('east'), kubernetes('west'), kubernetes('central')],
            },
          },
        }),
      ],
    });
    // the clusters after the refused one were scheduled too
    expect(scheduled).toEqual(
      expect.arrayContaining([collectionTaskId('east'), collectionTaskId('central')]),
    );
    expect(scheduled).not.toContain(collectionTaskId('west'));
    // one error that names the cluster and the scheduler's reason
    expect(logs.filter(l => l.level === 'error').map(l => l.message)).toEqual([
      expect.stringMatching(/could not schedule the collection of cluster "west" .*character varying\(255\)/),
    ]);
    // the backend serves, and POST /refresh triggers only the tasks that exist
    const res = await request(server).post(`${API}/refresh`).set('Authorization', mockCredentials.user.header());
    expect(res.status).toBe(202);
    expect(triggered).toEqual([collectionTaskId('east'), collectionTaskId('central')]);
  });
});
