import { TestDatabases } from '@backstage/backend-test-utils';
import { InputError } from '@backstage/errors';
import {
  CheckResult,
  ClusterStatus,
  EntityScorecard,
  scoreResults,
} from '@posture-dev/backstage-plugin-posture-common';
import path from 'node:path';
import { PostureStoreApi } from '../service/storeApi';
import { PostureStore } from './PostureStore';
import { inLockOrder } from './saveLocks';
import { SaveRunInput } from './types';
import {
  entity,
  failedStatus,
  pssLevelOf,
  result,
  status,
} from './testFixtures';

jest.setTimeout(60_000);

// PostgreSQL runs when BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING is set; never start a container
const databases = TestDatabases.create({
  ids: ['SQLITE_3', 'POSTGRES_15'],
  disableDocker: true,
});
if (!databases.supports('POSTGRES_15')) {
  // eslint-disable-next-line no-console
  console.info(
    'PostureStore tests: PostgreSQL 15 skipped (set BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING to run them)',
  );
}

const DAY = 86_400_000;
const T0 = Date.parse('2025-03-01T10:00:00.000Z');
const day = (n: number) => new Date(T0 + n * DAY).toISOString();

async function makeStore(id: Parameters<typeof databases.init>[0]) {
  const knex = await databases.init(id);
  const store = await PostureStore.fromKnex(knex);
  return { knex, store };
}

function run(
  at: string,
  entities: EntityScorecard[],
  clusterStatuses: ClusterStatus[],
  extra: Partial<SaveRunInput> = {},
): SaveRunInput {
  return { startedAt: at, finishedAt: at, clusterStatuses, entities, ...extra };
}

const byKey = (
  a: { checkId: string; cluster?: string },
  b: { checkId: string; cluster?: string },
) => `${a.cluster}/${a.checkId}`.localeCompare(`${b.cluster}/${b.checkId}`);

describe('PostureStore', () => {
  it.each(databases.eachSupportedId())(
    'runs its migrations up and down, %p',
    async id => {
      const { knex } = await makeStore(id);
      const tables = [
        'posture_clusters',
        'posture_entities',
        'posture_entity_clusters',
        'posture_entity_failures',
        'posture_history',
        'posture_runs',
        'posture_entity_absence',
      ];
      for (const t of tables) expect(await knex.schema.hasTable(t)).toBe(true);
      const directory = path.resolve(__dirname, '../../migrations');
      await knex.migrate.rollback({ directory }, true);
      for (const t of tables) expect(await knex.schema.hasTable(t)).toBe(false);
      await knex.migrate.latest({ directory });
      expect(await knex.schema.hasTable('posture_entities')).toBe(true);
    },
  );

  it.each(databases.eachSupportedId())(
    'round-trips a run through getEntity, %p',
    async id => {
      const { store } = await makeStore(id);
      const web = entity({
        name: 'Web',
        title: 'Web shop',
        owner: 'Group:default/Team-A',
        system: 'system:default/shop',
        clusters: {
          prod: [
            result('replicas', 'pass', {
              pillar: 'scalability',
              severity: 'high',
            }),
            result('privileged-container', 'fail', { severity: 'critical' }),
          ],
          dev: [
            result('run-as-non-root', 'fail', { severity: 'high' }),
            result('replicas', 'not-applicable'),
          ],
        },
      });
      const out = await store.saveRun(
        run(day(0), [web], [status('prod', day(0)), status('dev', day(0))]),
      );
      expect(out).toEqual({
        changed: ['component:default/web'],
        regressions: [],
      });

      const got = await store.getEntity('Component:default/WEB');
      expect(got).toBeDefined();
      expect(got!.entityRef).toBe('component:default/web');
      expect(got!.owner).toBe('group:default/team-a');
      expect(got!.system).toBe('system:default/shop');
      expect(got!.title).toBe('Web shop');
      expect(got!.name).toBe('Web');
      expect(got!.match).toEqual(web.match);
      expect(got!.state).toBe('scored');
      expect(got!.combined).toEqual(web.combined);
      expect(got!.clusters).toEqual(
        [...web.clusters].sort((a, b) => a.cluster.localeCompare(b.cluster)),
      );
      expect([...got!.results].sort(byKey)).toEqual(
        [...web.results].sort(byKey),
      );
      expect(got!.updatedAt).toBe(day(0));
      expect(got!.lastChangedAt).toBe(day(0));

      expect(await store.getEntity('component:default/nope')).toBeUndefined();
      // compile-time check: the store serves the router's interface
      const api: PostureStoreApi = store;
      expect(await api.getEntity('component:default/web')).toEqual(got);
      expect(await store.listEntityRefs()).toEqual(['component:default/web']);
      expect(await store.getClusterStatuses()).toEqual([
        status('dev', day(0)),
        status('prod', day(0)),
      ]);
      expect(await store.getLastRun()).toEqual({
        startedAt: day(0),
        finishedAt: day(0),
        entities: 1,
        changed: 1,
        regressions: 0,
      });
    },
  );

  it.each(databases.eachSupportedId())(
    'keeps the last good rows of a failed cluster, %p',
    async id => {
      const { store } = await makeStore(id);
      const prodResults = [
        result('privileged-container', 'fail', { severity: 'critical' }),
      ];
      await store.saveRun(
        run(
          day(0),
          [
            entity({
              name: 'api',
              clusters: {
                prod: prodResults,
                dev: [result('replicas', 'fail')],
              },
              at: day(0),
            }),
            entity({
              name: 'gone',
              clusters: { prod: [result('replicas', 'pass')] },
              at: day(0),
            }),
          ],
          [status('prod', day(0)), status('dev', day(0))],
        ),
      );

      // prod fails: the caller only has dev's data
      const devOnly = entity({
        name: 'api',
        clusters: { dev: [result('replicas', 'pass')] },
        at: day(1),
      });
      const statuses = [
        failedStatus('prod', day(1), day(0), 'connect ECONNREFUSED'),
        status('dev', day(1)),
      ];
      await store.saveRun(
        run(
          day(1),
          [devOnly, entity({ name: 'gone', state: 'no-workloads' })],
          statuses,
          {
            scoring: { pssLevelOf },
          },
        ),
      );

      const api = (await store.getEntity('component:default/api'))!;
      expect(
        api.clusters.map(c => [c.cluster, c.collectedAt, c.stale, c.error]),
      ).toEqual([
        ['dev', day(1), false, null],
        ['prod', day(0), true, 'connect ECONNREFUSED'],
      ]);
      const expectedResults = [
        ...devOnly.results,
        ...prodResults.map(r => ({ ...r, cluster: 'prod' })),
      ];
      expect([...api.results].sort(byKey)).toEqual(
        [...expectedResults].sort(byKey),
      );
      // the combined score still counts prod's critical failure
      expect(api.combined).toEqual(
        scoreResults(expectedResults, { pssLevelOf }),
      );
      expect(api.combined!.level).toBe('None');

      // an entity whose only workloads are in the failed cluster is still scored from them
      const gone = (await store.getEntity('component:default/gone'))!;
      expect(gone.state).toBe('scored');
      expect(gone.clusters.map(c => c.cluster)).toEqual(['prod']);
      expect(gone.combined).toEqual(
        scoreResults([result('replicas', 'pass', { cluster: 'prod' })], {
          pssLevelOf,
        }),
      );

      expect(
        (await store.getClusterStatuses()).find(s => s.name === 'prod'),
      ).toEqual(statuses[0]);
      const inProd = await store.listOverview({ cluster: ['prod'] });
      expect(inProd.rows.map(r => r.name)).toEqual(['api', 'gone']);
      expect(inProd.rows[0].clusters).toEqual(['dev', 'prod']);

      // prod is back and api no longer runs there: its prod row goes
      await store.saveRun(
        run(
          day(2),
          [
            entity({
              name: 'api',
              clusters: { dev: [result('replicas', 'pass')] },
            }),
          ],
          [status('prod', day(2)), status('dev', day(2))],
        ),
      );
      const back = (await store.getEntity('component:default/api'))!;
      expect(back.clusters.map(c => c.cluster)).toEqual(['dev']);
      expect(back.results.every(r => r.cluster === 'dev')).toBe(true);
      expect(
        (await store.listOverview({ cluster: ['prod'] })).rows.map(r => r.name),
      ).toEqual(['gone']);
    },
  );

  it.each(databases.eachSupportedId())(
    "combines an entity's kept clusters from their stored tallies and failing checks, never their results, %p",
    async id => {
      const { knex, store } = await makeStore(id);
      const scoring = { pssLevelOf };
      const prodResults = [
        result('privileged-container', 'fail', { severity: 'critical' }),
        result('replicas', 'pass'),
      ];
      await store.saveRun(
        run(
          day(0),
          [entity({ name: 'api', clusters: { prod: prodResults, dev: [result('replicas', 'fail')] }, at: day(0) })],
          [status('prod', day(0)), status('dev', day(0))],
          { scoring },
        ),
      );
      // the kept row's results are no longer read when combining: break them, and the sums still count
      await knex('posture_entity_clusters')
        .where({ entity_ref: 'component:default/api', cluster: 'prod' })
        .update({ results: '[]' });

      const devOnly = entity({ name: 'api', clusters: { dev: [result('replicas', 'pass')] }, at: day(1) });
      await store.saveRun(run(day(1), [devOnly], [status('dev', day(1))], { scoring }));

      const api = (await store.getEntity('component:default/api'))!;
      expect(api.combined).toEqual(
        scoreResults([...devOnly.results, ...prodResults.map(r => ({ ...r, cluster: 'prod' }))], scoring),
      );
      expect(api.combined!.level).toBe('None');
      const failures = (await store.failuresOf(['component:default/api'])).get('component:default/api');
      expect(failures?.map(f => f.checkId)).toEqual(['privileged-container']);
    },
  );

  it.each(databases.eachSupportedId())(
    'leaves an entity whose rows a run would not change as stored, and moves only its timestamps, %p',
    async id => {
      const { knex, store } = await makeStore(id);
      const ref = 'component:default/web';
      const prodResults = [result('replicas', 'fail'), result('cpu-limits', 'pass')];
      const scoring = { pssLevelOf };
      // as the refresher maps it: the entity's match names every configured cluster, whichever a run collects
      const web = (at: string, clusters: Record<string, ReturnType<typeof result>[]>, title = 'Web') => {
        const e = entity({ name: 'web', title, clusters, at });
        return { ...e, match: { ...e.match, clusters: ['dev', 'prod'] } };
      };
      const token = async (cluster: string) =>
        (await knex('posture_entity_clusters').where({ entity_ref: ref, cluster }).first('results_token')).results_token;
      const historyRows = async () => (await knex('posture_history').where({ entity_ref: ref }).select('at')).map(r => r.at);

      await store.saveRun(
        run(day(0), [web(day(0), { prod: prodResults, dev: [result('replicas', 'pass')] })], [status('prod', day(0)), status('dev', day(0))], { scoring }),
      );
      const before = (await store.getEntity(ref))!;
      const prodToken = await token('prod');
      expect(await historyRows()).toHaveLength(1);

      // the same prod results a day later: nothing is rewritten but when it was collected and saved
      const writes: string[] = [];
      const onQuery = (q: { sql: string }) => {
        if (/^\s*(insert into|delete from) .posture_(entit|history. \()/i.test(q.sql)) writes.push(q.sql.slice(0, 60));
      };
      knex.on('query', onQuery);
      const same = await store.saveRun(run(day(1), [web(day(1), { prod: prodResults })], [status('prod', day(1))], { scoring }));
      knex.off('query', onQuery);
      // no row of the entity, its clusters, failures or history is inserted or deleted
      expect(writes).toEqual([]);
      expect(same).toEqual({ changed: [], regressions: [] });
      expect(await token('prod')).toBe(prodToken);
      const after = (await store.getEntity(ref))!;
      expect(after.combined).toEqual(before.combined);
      expect(after.clusters.find(c => c.cluster === 'prod')!.collectedAt).toBe(day(1));
      expect(after.clusters.find(c => c.cluster === 'dev')!.collectedAt).toBe(day(0));
      expect(after.updatedAt).toBe(day(1));
      expect(after.lastChangedAt).toBe(day(0));
      expect(await historyRows()).toHaveLength(1);

      // dev changes (another cluster's save): combined from dev's new rows and prod's kept ones
      const devFails = await store.saveRun(
        run(day(2), [web(day(2), { dev: [result('replicas', 'fail', { severity: 'critical' })] })], [status('dev', day(2))], { scoring }),
      );
      expect(devFails.changed).toEqual([ref]);
      const changed = (await store.getEntity(ref))!;
      expect(changed.combined).not.toEqual(before.combined);
      expect(await historyRows()).toHaveLength(2);

      // prod unchanged again: dev's change stands, not prod's view of day 0
      await store.saveRun(run(day(3), [web(day(3), { prod: prodResults })], [status('prod', day(3))], { scoring }));
      expect((await store.getEntity(ref))!.combined).toEqual(changed.combined);
      expect(await token('prod')).toBe(prodToken);
      expect(await historyRows()).toHaveLength(2);

      // a catalog field that changed (the title) is written, with the rows as they are
      await store.saveRun(run(day(4), [web(day(4), { prod: prodResults }, 'Web shop')], [status('prod', day(4))], { scoring }));
      expect((await store.getEntity(ref))!.title).toBe('Web shop');
      expect((await store.getEntity(ref))!.combined).toEqual(changed.combined);

      // prod's results change: its row is rewritten under a new token
      await store.saveRun(
        run(day(5), [web(day(5), { prod: [result('replicas', 'pass'), result('cpu-limits', 'pass')] }, 'Web shop')], [status('prod', day(5))], { scoring }),
      );
      expect(await token('prod')).not.toBe(prodToken);

      // a last history point about to be pruned is still replaced, though nothing changed
      await store.saveRun(
        run(day(40), [web(day(40), { prod: [result('replicas', 'pass'), result('cpu-limits', 'pass')] }, 'Web shop')], [status('prod', day(40))], {
          retentionDays: 30,
          scoring,
        }),
      );
      expect(await historyRows()).toHaveLength(1);
      expect(new Date((await historyRows())[0]).toISOString()).toBe(day(40));
    },
  );

  it.each(databases.eachSupportedId())(
    'leaves as stored an entity with workloads in one of its clusters, whichever cluster is saved, %p',
    async id => {
      const { knex, store } = await makeStore(id);
      const ref = 'component:default/web';
      const scoring = { pssLevelOf };
      const prodResults = [result('replicas', 'fail'), result('cpu-limits', 'pass')];
      // mapped to dev and prod, as the refresher maps it; only prod runs its workloads, so dev's runs
      // find none ('no-workloads') while prod's score it
      const web = (at: string, clusters: Record<string, ReturnType<typeof result>[]>) => {
        const e = entity({ name: 'web', clusters, at });
        return { ...e, match: { ...e.match, clusters: ['dev', 'prod'] } };
      };
      const saveProd = (d: number) =>
        store.saveRun(run(day(d), [web(day(d), { prod: prodResults })], [status('prod', day(d))], { scoring }));
      const saveDev = (d: number) => store.saveRun(run(day(d), [web(day(d), {})], [status('dev', day(d))], { scoring }));

      await saveProd(0);
      await saveDev(1);
      const before = (await store.getEntity(ref))!;
      expect(before.state).toBe('scored');
      expect(before.clusters.map(c => c.cluster)).toEqual(['prod']);

      const writes: string[] = [];
      const onQuery = (q: { sql: string }) => {
        if (/^\s*(insert into|delete from) .posture_(entit|history. \()/i.test(q.sql)) writes.push(q.sql.slice(0, 60));
      };
      knex.on('query', onQuery);
      try {
        for (let d = 2; d < 6; d++) {
          const saved = await (d % 2 ? saveDev(d) : saveProd(d));
          expect(saved).toEqual({ changed: [], regressions: [] });
        }
      } finally {
        knex.off('query', onQuery);
      }
      // neither cluster's unchanged runs rewrite the entity: no entity, failure or history row written
      expect(writes).toEqual([]);
      const after = (await store.getEntity(ref))!;
      expect(after.state).toBe('scored');
      expect(after.combined).toEqual(before.combined);
      expect(after.updatedAt).toBe(day(5));
      expect(await knex('posture_history').where({ entity_ref: ref }).select('at')).toHaveLength(1);

      // prod's workloads go: its row is removed and the entity, with no cluster left, has none
      await store.saveRun(run(day(6), [web(day(6), {})], [status('prod', day(6))], { scoring }));
      const gone = (await store.getEntity(ref))!;
      expect(gone.state).toBe('no-workloads');
      expect(gone.combined).toBeNull();
      // and a dev run finding none either leaves it so
      await saveDev(7);
      expect((await store.getEntity(ref))!.state).toBe('no-workloads');
    },
  );

  it.each(databases.eachSupportedId())(
    'leaves as stored the entities with no scorecard: no annotations, or no workloads in any cluster, %p',
    async id => {
      const { knex, store } = await makeStore(id);
      const scoring = { pssLevelOf };
      const both = (e: ReturnType<typeof entity>) => ({ ...e, match: { ...e.match, clusters: ['dev', 'prod'] } });
      // the catalog's entities as every run of every cluster saves them
      const catalog = (at: string, lost = false) => [
        entity({ name: 'docs-site', state: 'no-annotations', at }),
        both(entity({ name: 'not-deployed', at })),
        both(entity({ name: 'web', clusters: lost ? {} : { prod: [result('replicas', 'pass')] }, at, ...(lost ? { state: 'no-annotations' as const } : {}) })),
      ];
      const save = (d: number, cluster: string, lost = false) =>
        store.saveRun(run(day(d), catalog(day(d), lost), [status(cluster, day(d))], { scoring }));
      await save(0, 'prod');
      await save(1, 'dev');
      expect((await store.getEntity('component:default/docs-site'))!.state).toBe('no-annotations');
      expect((await store.getEntity('component:default/not-deployed'))!.state).toBe('no-workloads');

      const writes: string[] = [];
      const onQuery = (q: { sql: string }) => {
        if (/^\s*(insert into|delete from) .posture_(entit|history. \()/i.test(q.sql)) writes.push(q.sql.slice(0, 60));
      };
      knex.on('query', onQuery);
      try {
        await save(2, 'prod');
        await save(3, 'dev');
      } finally {
        knex.off('query', onQuery);
      }
      expect(writes).toEqual([]);
      for (const name of ['docs-site', 'not-deployed', 'web']) {
        expect((await store.getEntity(`component:default/${name}`))!.updatedAt).toBe(day(3));
      }

      // web loses its annotations: its prod row goes and it is combined as having none
      await save(4, 'dev', true);
      const web = (await store.getEntity('component:default/web'))!;
      expect(web.state).toBe('no-annotations');
      expect(web.clusters).toEqual([]);
      expect(await knex('posture_entity_clusters').where({ entity_ref: 'component:default/web' }).select('cluster')).toEqual([]);
    },
  );

  it.each(databases.eachSupportedId())(
    'writes only the failure rows that changed, %p',
    async id => {
      const { knex, store } = await makeStore(id);
      const ref = 'component:default/api';
      const rowsNow = async () =>
        (await knex('posture_entity_failures').where({ entity_ref: ref }).select('check_id', 'failing', 'severity'))
          .map(r => [r.check_id, Number(r.failing), r.severity])
          .sort();
      const version = async (checkId: string) =>
        id.startsWith('POSTGRES')
          ? (await knex.raw('select xmin::text as v from posture_entity_failures where entity_ref = ? and check_id = ?', [ref, checkId])).rows[0].v
          : undefined;
      const save = (at: string, results: ReturnType<typeof result>[]) =>
        store.saveRun(run(at, [entity({ name: 'api', clusters: { prod: results }, at })], [status('prod', at)]));

      await save(day(0), [result('replicas', 'fail'), result('cpu-limits', 'fail'), result('cpu-requests', 'fail')]);
      const kept = await version('replicas');
      await save(day(1), [
        result('replicas', 'fail'),
        result('cpu-limits', 'fail'),
        result('cpu-limits', 'fail', { workload: 'other' }),
        result('memory-limits', 'fail', { severity: 'high' }),
      ]);
      expect(await rowsNow()).toEqual([
        ['cpu-limits', 2, 'medium'],
        ['memory-limits', 1, 'high'],
        ['replicas', 1, 'medium'],
      ]);
      // an unchanged row is not rewritten (PostgreSQL keeps a row version per write)
      expect(await version('replicas')).toBe(kept);
    },
  );

  it.each(databases.eachSupportedId())(
    'saves a large run in a few rounds of queries, %p',
    async id => {
      // each round trip inside the save's transaction waits its turn on an event loop that is also
      // serving requests, and holds the entities' locks meanwhile: under load, a run of 3,334 entities
      // in rounds of 100 held them for minutes (docs/benchmarks.md)
      const { knex, store } = await makeStore(id);
      const save = (cluster: string) =>
        store.saveRun(
          run(
            day(0),
            Array.from({ length: 1000 }, (_, i) =>
              entity({
                name: `svc-${i}`,
                clusters: { [cluster]: [result('replicas', i % 3 ? 'pass' : 'fail'), result('privileged-container', 'fail', { severity: 'critical' })] },
                at: day(0),
              }),
            ),
            [status(cluster, day(0))],
            { scoring: { pssLevelOf } },
          ),
        );
      await save('east');
      let queries = 0;
      const count = () => queries++;
      knex.on('query', count);
      try {
        await save('west');
      } finally {
        knex.off('query', count);
      }
      // two rounds of 500 entities, about 15 queries each, and the run's own handful
      expect(queries).toBeLessThanOrEqual(45);
      expect((await store.getEntity('component:default/svc-999'))!.clusters.map(c => c.cluster)).toEqual(['east', 'west']);
    },
  );

  it.each(databases.eachSupportedId())(
    'without scoring options stores the caller combined score, and drops kept rows of unmapped entities, %p',
    async id => {
      const { store } = await makeStore(id);
      await store.saveRun(
        run(
          day(0),
          [
            entity({
              name: 'a',
              clusters: {
                prod: [result('replicas', 'fail')],
                dev: [result('replicas', 'pass')],
              },
            }),
            entity({
              name: 'b',
              clusters: { prod: [result('replicas', 'fail')] },
            }),
          ],
          [status('prod', day(0)), status('dev', day(0))],
        ),
      );
      const a = entity({
        name: 'a',
        clusters: { dev: [result('replicas', 'pass')] },
      });
      await store.saveRun(
        run(
          day(1),
          [a, entity({ name: 'b', state: 'no-annotations' })],
          [
            failedStatus('prod', day(1), day(0), 'timeout'),
            status('dev', day(1)),
          ],
        ),
      );
      const gotA = (await store.getEntity('component:default/a'))!;
      expect(gotA.combined).toEqual(a.combined);
      expect(gotA.clusters.map(c => c.cluster)).toEqual(['dev', 'prod']);
      const gotB = (await store.getEntity('component:default/b'))!;
      expect(gotB.state).toBe('no-annotations');
      expect(gotB.clusters).toEqual([]);
      expect(gotB.results).toEqual([]);
      expect(gotB.combined).toBeNull();
    },
  );

  it.each(databases.eachSupportedId())(
    'records history only on change, marks regressions and prunes by retention, %p',
    async id => {
      const { store } = await makeStore(id);
      const good = (at: string) =>
        entity({
          name: 'svc',
          owner: 'group:default/team-b',
          clusters: { prod: [result('replicas', 'pass')] },
          at,
        });
      const bad = (at: string) =>
        entity({
          name: 'svc',
          owner: 'group:default/team-b',
          clusters: {
            prod: [
              result('replicas', 'pass'),
              result('probes', 'fail', { severity: 'high' }),
            ],
          },
          at,
        });
      const steady = entity({
        name: 'steady',
        clusters: { prod: [result('replicas', 'pass')] },
      });
      const clusters = (at: string) => [status('prod', at)];

      expect(
        await store.saveRun(
          run(day(0), [good(day(0)), steady], clusters(day(0))),
        ),
      ).toEqual({
        changed: ['component:default/svc', 'component:default/steady'],
        regressions: [],
      });
      expect(
        await store.saveRun(
          run(day(1), [good(day(1)), steady], clusters(day(1))),
        ),
      ).toEqual({
        changed: [],
        regressions: [],
      });
      const dropped = await store.saveRun(
        run(day(2), [bad(day(2)), steady], clusters(day(2))),
      );
      const from = { grade: 'A', level: 'Gold' };
      const to = {
        grade: bad(day(2)).combined!.grades.overall,
        level: 'Bronze',
      };
      expect(to.grade).not.toBe('A');
      expect(dropped).toEqual({
        changed: ['component:default/svc'],
        regressions: [
          {
            entityRef: 'component:default/svc',
            owner: 'group:default/team-b',
            from,
            to,
          },
        ],
      });
      await store.saveRun(
        run(day(3), [good(day(3)), steady], clusters(day(3))),
      );

      const history = await store.getHistory('component:default/svc');
      expect(history.map(p => [p.at, p.grade, p.level, p.regression])).toEqual([
        [day(0), 'A', 'Gold', null],
        [day(2), to.grade, 'Bronze', { from, to }],
        [day(3), 'A', 'Gold', null],
      ]);
      expect(history[1].overall).toBe(bad(day(2)).combined!.overall);
      expect(history[1].pssLevel).toBe('restricted');
      expect(
        (
          await store.getHistory('component:default/svc', {
            from: day(1),
            to: day(2),
          })
        ).map(p => p.at),
      ).toEqual([day(2)]);
      expect(
        (await store.getEntity('component:default/svc'))!.lastChangedAt,
      ).toBe(day(3));
      expect(
        (await store.getEntity('component:default/steady'))!.lastChangedAt,
      ).toBe(day(0));

      // 400 days on, with 30 days of retention: everything before day 370 goes
      await store.saveRun(
        run(day(400), [bad(day(400)), steady], clusters(day(400)), {
          retentionDays: 30,
        }),
      );
      const later = await store.getHistory('component:default/svc');
      expect(later.map(p => [p.at, p.level])).toEqual([[day(400), 'Bronze']]);
      // still a regression against the previous point, although that point is now pruned
      expect(later[0].regression).toEqual({ from, to });
      // an unchanged entity keeps one point with its current value rather than none
      expect(
        (await store.getHistory('component:default/steady')).map(p => p.at),
      ).toEqual([day(400)]);
      expect(
        (await store.getEntity('component:default/steady'))!.lastChangedAt,
      ).toBe(day(0));

      await expect(
        store.saveRun(
          run(day(401), [], clusters(day(401)), { retentionDays: 0 }),
        ),
      ).rejects.toBeInstanceOf(InputError);
    },
  );

  it.each(databases.eachSupportedId())(
    'rolls back a run that fails part-way, %p',
    async id => {
      const { store } = await makeStore(id);
      const first = [
        entity({ name: 'a', clusters: { prod: [result('replicas', 'pass')] } }),
        entity({ name: 'b', clusters: { prod: [result('replicas', 'fail')] } }),
      ];
      await store.saveRun(run(day(0), first, [status('prod', day(0))]));
      const snapshot = async () => ({
        a: await store.getEntity('component:default/a'),
        b: await store.getEntity('component:default/b'),
        refs: await store.listEntityRefs(),
        history: await store.getHistory('component:default/a'),
        clusters: await store.getClusterStatuses(),
        lastRun: await store.getLastRun(),
        checks: await store.listCheckSummaries([{ ...meta('replicas') }]),
      });
      const before = await snapshot();

      // a row the database refuses (NOT NULL kind), after other rows of the run were written
      const broken = {
        ...entity({ name: 'z' }),
        kind: null as unknown as string,
      };
      const changedA = entity({
        name: 'a',
        clusters: {
          prod: [result('replicas', 'fail', { severity: 'critical' })],
        },
      });
      await expect(
        store.saveRun(
          run(
            day(1),
            [changedA, entity({ name: 'c' }), broken],
            [failedStatus('prod', day(1), day(0), 'boom')],
            {
              removedEntityRefs: ['component:default/b'],
            },
          ),
        ),
        // not toThrow(): better-sqlite3's error class comes from whichever Jest module registry loaded the
        // native addon first, so it may not be an `instanceof Error` here
      ).rejects.toHaveProperty(
        'message',
        expect.stringMatching(/not[ -]null/i),
      );
      expect(await snapshot()).toEqual(before);

      // the caller's scoring throwing mid-run rolls back just the same
      await expect(
        store.saveRun(
          run(
            day(1),
            [entity({ name: 'a', clusters: { dev: [result('replicas', 'pass')] } })],
            [failedStatus('prod', day(1), day(0), 'boom'), status('dev', day(1))],
            {
              scoring: {
                pssLevelOf: () => {
                  throw new Error('scoring broke');
                },
              },
            },
          ),
        ),
      ).rejects.toThrow('scoring broke');
      expect(await snapshot()).toEqual(before);

      // and the store still works afterwards
      await store.saveRun(run(day(2), [changedA], [status('prod', day(2))]));
      expect(
        (await store.getEntity('component:default/a'))!.combined!.level,
      ).toBe('None');
    },
  );

  it.each(databases.eachSupportedId())(
    'saves a run larger than one batch batch by batch, each entity whole, %p',
    async id => {
      const { store } = await makeStore(id);
      // 501 entities make two batches; in lock order, which is also the order saves take them in
      const names = inLockOrder(
        Array.from({ length: 501 }, (_, i) => `svc-${i}`),
        n => `component:default/${n}`,
      );
      const all = (outcome: 'pass' | 'fail', at: string) =>
        names.map(name => entity({ name, clusters: { prod: [result('replicas', outcome)] }, at }));
      await store.saveRun(run(day(0), all('pass', day(0)), [status('prod', day(0))]));
      const first = `component:default/${names[0]}`;
      const last = `component:default/${names[500]}`;
      const before = {
        first: await store.getEntity(first),
        last: await store.getEntity(last),
        clusters: await store.getClusterStatuses(),
        lastRun: await store.getLastRun(),
      };

      // an input the store refuses is refused whole, before the first batch is written
      const misshapen = all('fail', day(1));
      misshapen[500] = { ...misshapen[500], results: 'x' as unknown as CheckResult[] };
      await expect(
        store.saveRun(run(day(1), misshapen, [status('prod', day(1))])),
      ).rejects.toBeInstanceOf(InputError);
      expect(await store.getEntity(first)).toEqual(before.first);

      // a row the database refuses in the second batch: the first batch stays saved, whole
      const failing = all('fail', day(1));
      failing[500] = { ...failing[500], kind: null as unknown as string };
      await expect(
        store.saveRun(run(day(1), failing, [status('prod', day(1))])),
      ).rejects.toHaveProperty('message', expect.stringMatching(/not[ -]null/i));
      const saved = (await store.getEntity(first))!;
      expect(saved.combined!.counts).toMatchObject({ fail: 1, pass: 0 });
      expect(saved.clusters[0].collectedAt).toBe(day(1));
      expect((await store.getHistory(first)).map(p => p.at)).toEqual([day(0), day(1)]);
      // the second batch, the cluster's status and the run list are as they were
      expect(await store.getEntity(last)).toEqual(before.last);
      expect(await store.getClusterStatuses()).toEqual(before.clusters);
      expect(await store.getLastRun()).toEqual(before.lastRun);

      // the next run saves everything
      await store.saveRun(run(day(2), all('fail', day(2)), [status('prod', day(2))]));
      expect((await store.getEntity(last))!.combined!.counts).toMatchObject({ fail: 1, pass: 0 });
      expect((await store.getLastRun())!.entities).toBe(501);
    },
  );

  it.each(databases.eachSupportedId())(
    'removes entities gone from the catalog, %p',
    async id => {
      const { store } = await makeStore(id);
      await store.saveRun(
        run(
          day(0),
          [
            entity({
              name: 'a',
              clusters: { prod: [result('replicas', 'fail')] },
            }),
            entity({
              name: 'b',
              clusters: { prod: [result('replicas', 'fail')] },
            }),
          ],
          [status('prod', day(0))],
        ),
      );
      await store.saveRun(
        run(day(1), [], [status('prod', day(1))], {
          removedEntityRefs: ['Component:default/A'],
        }),
      );
      expect(await store.getEntity('component:default/a')).toBeUndefined();
      expect(await store.getHistory('component:default/a')).toEqual([]);
      expect(await store.listEntityRefs()).toEqual(['component:default/b']);
      const [summary] = await store.listCheckSummaries([meta('replicas')]);
      expect(summary.entityRefs).toEqual(['component:default/b']);
      expect((await store.listOverview({ cluster: ['prod'] })).total).toBe(1);
    },
  );

  it.each(databases.eachSupportedId())(
    'rejects inconsistent runs before writing anything, %p',
    async id => {
      const { store } = await makeStore(id);
      const a = entity({
        name: 'a',
        clusters: { prod: [result('replicas', 'pass')] },
      });
      await expect(
        store.saveRun(run(day(0), [a, { ...a }], [status('prod', day(0))])),
      ).rejects.toBeInstanceOf(InputError);
      await expect(
        store.saveRun(
          run(day(0), [a], [status('prod', day(0))], {
            removedEntityRefs: [a.entityRef],
          }),
        ),
      ).rejects.toBeInstanceOf(InputError);
      await expect(
        store.saveRun(
          run(day(0), [a], [status('prod', day(0)), status('prod', day(0))]),
        ),
      ).rejects.toBeInstanceOf(InputError);
      await expect(
        store.saveRun(run('yesterday', [a], [])),
      ).rejects.toBeInstanceOf(InputError);
      expect(await store.listEntityRefs()).toEqual([]);
      expect(await store.getClusterStatuses()).toEqual([]);
    },
  );
});

function meta(id: string) {
  return {
    id,
    title: `Title of ${id}`,
    pillar: 'scalability' as const,
    category: 'availability',
    severity: 'medium' as const,
    rationale: 'because',
    remediation: { text: 'fix it', patch: 'spec: {}' },
    references: {},
  };
}
