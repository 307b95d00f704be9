import { TestDatabases } from '@backstage/backend-test-utils';
import { scoreResults } from '@posture-dev/backstage-plugin-posture-common';
import { builtInChecks } from '@posture-dev/backstage-plugin-posture-node';
import { Knex } from 'knex';
import {
  TestCluster,
  component,
  makeRefresher,
  sleep,
  startCluster,
  workloadObjects,
} from './__testUtils__/harness';
import { ClusterSource } from './clusters/types';
import { PostureStore } from './store';
import { KubeApiTestServer } from './testUtils';

jest.setTimeout(60_000);

// PostgreSQL runs when BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING is set; never start a container
const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'], disableDocker: true });

const NAMES = ['east', 'west', 'central'];
const ENTITIES = [...NAMES.map(n => component(`app-${n}`)), component('shop')];

const servers: KubeApiTestServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map(s => s.close()));
});

function objects(name: string, hardened: boolean) {
  return [...workloadObjects({ id: 'shop', hardened }), ...workloadObjects({ id: `app-${name}`, hardened })];
}

async function threeClusters(): Promise<TestCluster[]> {
  const out: TestCluster[] = [];
  for (const name of NAMES) {
    const server = await startCluster(name, objects(name, false));
    servers.push(server);
    out.push({ name, server });
  }
  return out;
}

/** Two stores on one database stand for two backend replicas, sharing a clock the test moves. */
async function replicas(knex: Knex) {
  let now = Date.now();
  const clock = () => new Date(now);
  const a = await PostureStore.fromKnex(knex, { clock });
  const b = await PostureStore.fromKnex(knex, { clock, skipMigrations: true });
  return { a, b, advance: (ms: number) => (now += ms) };
}

/** Counts collections in flight across every source it wraps. */
function concurrencySpy() {
  const spy = { active: 0, maxActive: 0, started: 0 };
  const wrap = (sources: ClusterSource[]) => {
    for (const s of sources) {
      const collect = s.collect.bind(s);
      (s as { collect: ClusterSource['collect'] }).collect = async signal => {
        spy.active++;
        spy.started++;
        spy.maxActive = Math.max(spy.maxActive, spy.active);
        try {
          return await collect(signal);
        } finally {
          spy.active--;
        }
      };
    }
  };
  return { spy, wrap };
}

const discoveries = (clusters: TestCluster[]) => clusters.map(c => c.server.stats.count({ verb: 'discovery' }));

async function snapshot(store: PostureStore) {
  const refs = await store.listEntityRefs();
  return {
    refs,
    entities: await Promise.all(refs.map(r => store.getEntity(r))),
    history: await Promise.all(refs.map(r => store.getHistory(r))),
    clusters: await store.getClusterStatuses(),
    lastRun: await store.getLastRun(),
  };
}

describe('PostureRefresher', () => {
  it.each(databases.eachSupportedId())(
    'never runs two collections at once, in one process or across replicas, %p',
    async id => {
      const knex = await databases.init(id);
      const clusters = await threeClusters();
      // slow clusters, so the runs below overlap
      for (const c of clusters) c.server.setFaults([{ fault: 'latency', ms: 200 }]);
      const { a, b } = await replicas(knex);
      const { spy, wrap } = concurrencySpy();
      const one = makeRefresher({ store: a, clusters, entities: ENTITIES });
      const two = makeRefresher({ store: b, clusters, entities: ENTITIES });
      wrap([...one.sources, ...two.sources]);
      const saveRun = jest.spyOn(b, 'saveRun');

      // the scheduled run and POST /refresh in one process join the same run
      const first = one.refresher.run();
      expect(one.refresher.run()).toBe(first);
      // another replica's run starts while that collection is under way
      while (clusters[0].server.stats.total === 0) await sleep(5);
      const other = await two.refresher.run();
      expect(other).toMatchObject({ skipped: 'locked', clusters: [] });
      const summary = await first;
      expect(summary.skipped).toBeUndefined();
      expect(summary.clusters.map(c => c.ok)).toEqual([true, true, true]);
      expect(saveRun).not.toHaveBeenCalled();
      expect(spy).toMatchObject({ started: 3, maxActive: 3 });
      expect(discoveries(clusters)).toEqual([1, 1, 1]);

      // started together, one replica collects and the other skips
      const both = await Promise.all([one.refresher.run(), two.refresher.run()]);
      expect(both.filter(s => s.skipped === 'locked')).toHaveLength(1);
      expect(both.filter(s => !s.skipped)).toHaveLength(1);
      // three sources per collection, never two collections' worth in flight
      expect(spy).toMatchObject({ started: 6, maxActive: 3 });
      expect(discoveries(clusters)).toEqual([2, 2, 2]);

      // once the lock is free, the other replica collects too
      expect((await two.refresher.run()).skipped).toBeUndefined();
      expect(saveRun).toHaveBeenCalledTimes(both[1].skipped ? 1 : 2);
      expect(discoveries(clusters)).toEqual([3, 3, 3]);
      expect(spy.maxActive).toBe(3);
    },
  );

  it.each(databases.eachSupportedId())(
    'recovers the lock of a backend that died mid-collection once its lease expires, %p',
    async id => {
      const knex = await databases.init(id);
      const clusters = await threeClusters();
      const { a, b, advance } = await replicas(knex);
      // the dead backend took the lock and never released or renewed it
      const dead = await a.tryAcquireLock('collection', 60_000);
      expect(dead).toBeDefined();
      const { refresher } = makeRefresher({ store: b, clusters, entities: ENTITIES });

      expect(await refresher.run()).toMatchObject({ skipped: 'locked' });
      expect(clusters.map(c => c.server.stats.total)).toEqual([0, 0, 0]);
      advance(30_000);
      expect(await refresher.run()).toMatchObject({ skipped: 'locked' });

      advance(30_001);
      const summary = await refresher.run();
      expect(summary.skipped).toBeUndefined();
      expect(summary.clusters.every(c => c.ok)).toBe(true);
      expect((await b.getEntity('component:default/shop'))?.clusters).toHaveLength(3);
      // the dead holder's lease is gone for good, and the lock is free again
      expect(await a.renewLock(dead!, 60_000)).toBeUndefined();
      const next = await a.tryAcquireLock('collection', 60_000);
      expect(next).toBeDefined();
      await a.releaseLock(next!);
    },
  );

  it.each(databases.eachSupportedId())(
    'does not save a run whose lock was taken over mid-collection, %p',
    async id => {
      const knex = await databases.init(id);
      const clusters = await threeClusters();
      for (const c of clusters) c.server.setFaults([{ fault: 'latency', ms: 300 }]);
      const store = await PostureStore.fromKnex(knex);
      const saveRun = jest.spyOn(store, 'saveRun');
      // renewed every 100 ms
      const { refresher } = makeRefresher({ store, clusters, entities: ENTITIES, lockTtlMs: 300 });
      const run = refresher.run();
      while (clusters[0].server.stats.total === 0) await sleep(5);
      // another replica took the lock over (as after an expiry it missed)
      await knex('posture_locks').where({ name: 'collection' }).update({ holder: 'another-replica' });
      await expect(run).rejects.toThrow(/Lost the collection lock/);
      expect(saveRun).not.toHaveBeenCalled();
      expect(await store.listEntityRefs()).toEqual([]);
      expect(await knex('posture_locks').where({ name: 'collection' }).first()).toMatchObject({ holder: 'another-replica' });
    },
  );

  it.each(databases.eachSupportedId())(
    'forgets a cluster removed from the configuration, %p',
    async id => {
      const knex = await databases.init(id);
      const clusters = await threeClusters();
      const store = await PostureStore.fromKnex(knex);
      await makeRefresher({ store, clusters, entities: ENTITIES }).refresher.run();
      expect((await store.getEntity('component:default/shop'))!.clusters).toHaveLength(3);

      // the backend restarts without `central` in its config
      const kept = clusters.filter(c => c.name !== 'central');
      await makeRefresher({ store, clusters: kept, entities: ENTITIES }).refresher.run();
      expect((await store.getClusterStatuses()).map(s => s.name)).toEqual(['east', 'west']);
      const shop = (await store.getEntity('component:default/shop'))!;
      expect(shop.clusters.map(c => c.cluster)).toEqual(['east', 'west']);
      expect(shop.results.some(r => r.cluster === 'central')).toBe(false);
      expect(shop.combined).toEqual(
        scoreResults(shop.results, { pssLevelOf: checkId => builtInChecks.find(c => c.meta.id === checkId)?.meta.pssLevel }),
      );
      expect(await store.getEntity('component:default/app-central')).toMatchObject({
        state: 'no-workloads',
        clusters: [],
        combined: null,
      });
    },
  );

  const failingTable = (knex: Knex, table: string) =>
    knex.client.config.client === 'pg'
      ? knex.raw(`
          CREATE FUNCTION posture_test_fail() RETURNS trigger AS $$
          BEGIN RAISE EXCEPTION 'injected write failure'; END; $$ LANGUAGE plpgsql;
          CREATE TRIGGER posture_test_fail BEFORE INSERT ON ${table} FOR EACH ROW EXECUTE FUNCTION posture_test_fail();`)
      : knex.raw(
          `CREATE TRIGGER posture_test_fail BEFORE INSERT ON ${table} BEGIN SELECT RAISE(ABORT, 'injected write failure'); END`,
        );
  const healTable = (knex: Knex, table: string) =>
    knex.raw(
      knex.client.config.client === 'pg'
        ? `DROP TRIGGER posture_test_fail ON ${table}; DROP FUNCTION posture_test_fail();`
        : 'DROP TRIGGER posture_test_fail',
    );

  // history rows are written mid-run; the run row is the transaction's last write
  const CASES = databases
    .eachSupportedId()
    .flatMap(([id]) => ['posture_history', 'posture_runs'].map(t => [t, id] as const));

  it.each(CASES)('rolls a run back when writing %s fails, losing nothing, %p', async (table, id) => {
    const knex = await databases.init(id);
    const clusters = await threeClusters();
    const store = await PostureStore.fromKnex(knex);
    const { refresher } = makeRefresher({ store, clusters, entities: ENTITIES });
    await refresher.run();
    const before = await snapshot(store);
    expect(before.refs).toHaveLength(4);
    expect(before.history.every(h => h.length === 1)).toBe(true);

    // every score changes, so the run writes every entity and a history point for each
    for (const c of clusters) c.server.addObjects(objects(c.name, true));
    await failingTable(knex, table);
    // better-sqlite3's errors are not instanceof Error in every Jest realm, so match the message, not the class
    await expect(refresher.run()).rejects.toHaveProperty('message', expect.stringMatching(/injected write failure/));
    expect(await snapshot(store)).toEqual(before);

    // the failed run released its lock: the next one saves everything
    await healTable(knex, table);
    const summary = await refresher.run();
    expect(summary).toMatchObject({ entities: 4, changed: 4 });
    const after = await snapshot(store);
    expect(after.history.map(h => h.length)).toEqual([2, 2, 2, 2]);
    after.history.forEach((h, i) => expect(h[0]).toEqual(before.history[i][0]));
    for (const e of after.entities) {
      expect(e!.combined!.overall).toBeGreaterThan(before.entities.find(p => p!.entityRef === e!.entityRef)!.combined!.overall!);
    }
  });
});
