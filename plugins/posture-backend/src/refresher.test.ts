import { TestDatabases } from '@backstage/backend-test-utils';
import { scoreResults } from '@posture-dev/backstage-plugin-posture-common';
import { builtInChecks } from '@posture-dev/backstage-plugin-posture-node';
import { Entity } from '@backstage/catalog-model';
import { CatalogService } from '@backstage/plugin-catalog-node';
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
import { ReplicaLoad } from './replicaLoads';
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
    'combines the latest good snapshot of each cluster, collected by different replicas at different times, %p',
    async id => {
      const knex = await databases.init(id);
      const clusters = await threeClusters();
      const { a, b } = await replicas(knex);
      const one = makeRefresher({ store: a, clusters, entities: ENTITIES });
      const two = makeRefresher({ store: b, clusters, entities: ENTITIES });
      // two replicas' tasks, running at once for different clusters
      await Promise.all([one.refresher.runCluster('east'), two.refresher.runCluster('west'), two.refresher.runCluster('central')]);
      const pssLevelOf = (checkId: string) => builtInChecks.find(c => c.meta.id === checkId)?.meta.pssLevel;
      const shop = (await a.getEntity('component:default/shop'))!;
      expect(shop.clusters.map(c => c.cluster).sort()).toEqual(['central', 'east', 'west']);
      expect(shop.combined).toEqual(scoreResults(shop.results, { pssLevelOf }));
      const before = shop.combined!.overall!;

      // later, one replica collects only `west`, now hardened: the others' rows stay and count
      clusters[1].server.addObjects(objects('west', true));
      const summary = await one.refresher.runCluster('west');
      expect(summary.clusters.map(c => c.name)).toEqual(['west']);
      // the save's own time is reported apart from the collection's (it includes waiting on other saves)
      expect(Number.isInteger(summary.saveMs) && summary.saveMs >= 0).toBe(true);
      const after = (await b.getEntity('component:default/shop'))!;
      expect(after.clusters.map(c => c.cluster).sort()).toEqual(['central', 'east', 'west']);
      expect(after.combined).toEqual(scoreResults(after.results, { pssLevelOf }));
      expect(after.combined!.overall!).toBeGreaterThan(before);
      expect(after.clusters.find(c => c.cluster === 'east')!.collectedAt).toBe(
        shop.clusters.find(c => c.cluster === 'east')!.collectedAt,
      );
      // the cluster statuses each say when their own cluster was collected
      expect((await a.getClusterStatuses()).map(s => s.error)).toEqual([null, null, null]);
    },
  );

  it('collects only its own cluster per task, and joins a run of the same cluster already going', async () => {
    const knex = await databases.init('SQLITE_3');
    const clusters = await threeClusters();
    const store = await PostureStore.fromKnex(knex);
    const { spy, wrap } = concurrencySpy();
    const { refresher, sources } = makeRefresher({ store, clusters, entities: ENTITIES });
    wrap(sources);
    const first = refresher.runCluster('east');
    expect(refresher.runCluster('east')).toBe(first);
    await Promise.all([first, refresher.runCluster('west')]);
    expect(spy.started).toBe(2);
    expect(discoveries(clusters)).toEqual([1, 1, 0]);
    await expect(refresher.runCluster('nowhere')).rejects.toThrow(/No posture cluster named nowhere/);
  });

  it('hands a task back while every slot is taken, a few times, then waits for a slot', async () => {
    const knex = await databases.init('SQLITE_3');
    const clusters = await threeClusters();
    clusters[0].server.setFaults([{ fault: 'latency', ms: 300 }]);
    const store = await PostureStore.fromKnex(knex);
    const { spy, wrap } = concurrencySpy();
    const { refresher, sources } = makeRefresher({ store, clusters, entities: ENTITIES, posture: { maxConcurrentCollections: 1 } });
    wrap(sources);
    // with a free slot, it runs
    const east = refresher.tryRunCluster('east');
    while (spy.active === 0) await sleep(5);
    // the only slot is taken: west is handed back three times in a row, and runs the fourth time
    for (let i = 0; i < 3; i++) await expect(refresher.tryRunCluster('west')).resolves.toBe('busy');
    const west = refresher.tryRunCluster('west');
    // a run of a cluster already going here is joined, never handed back
    await expect(Promise.race([refresher.tryRunCluster('east'), sleep(50).then(() => 'waiting')])).resolves.toBe('waiting');
    const [e, w] = await Promise.all([east, west]);
    expect(e).not.toBe('busy');
    expect(w).not.toBe('busy');
    expect((w as Exclude<typeof w, 'busy'>).clusters.map(c => c.name)).toEqual(['west']);
    expect(spy.maxActive).toBe(1);
    expect(spy.started).toBe(2);
    // with the slot free again, it runs at once
    const central = await refresher.tryRunCluster('central');
    expect(central).not.toBe('busy');
  });

  it('hands a task back when another replica is less loaded, and publishes its own load', async () => {
    const knex = await databases.init('SQLITE_3');
    const clusters = await threeClusters();
    clusters[0].server.setFaults([{ fault: 'latency', ms: 300 }]);
    const store = await PostureStore.fromKnex(knex);
    const published: ReplicaLoad[] = [];
    let others: ReplicaLoad[] = [];
    const loads = {
      publish: async (l: ReplicaLoad) => void published.push(l),
      others: async () => others,
    };
    const { refresher, sources } = makeRefresher({ store, clusters, entities: ENTITIES, loads, posture: { maxConcurrentCollections: 3 } });
    const { spy, wrap } = concurrencySpy();
    wrap(sources);
    // alone, or beside a replica as loaded as this one, it runs
    const east = refresher.tryRunCluster('east');
    while (spy.active === 0) await sleep(5);
    others = [{ running: 1, busyMs: 60_000 }];
    const west = refresher.tryRunCluster('west');
    while (spy.active < 2) await sleep(5);
    // a replica running fewer collections takes the next one
    others = [{ running: 1, busyMs: 60_000 }, { running: 1, busyMs: 0 }];
    await expect(refresher.tryRunCluster('central')).resolves.toBe('busy');
    const summaries = await Promise.all([east, west]);
    expect(summaries).not.toContain('busy');
    expect(published.at(-1)).toEqual({ running: 0, busyMs: expect.any(Number) });
    expect(published.at(-1)!.busyMs).toBeGreaterThan(0);
    // idle again: one that collected for less time in the last interval takes it
    others = [{ running: 0, busyMs: 0 }];
    await expect(refresher.tryRunCluster('central')).resolves.toBe('busy');
    // one whose load cannot be read is not waited for
    const failing = makeRefresher({
      store,
      clusters,
      entities: ENTITIES,
      loads: { publish: async () => {}, others: async () => Promise.reject(new Error('database gone')) },
    });
    await expect(failing.refresher.tryRunCluster('central')).resolves.not.toBe('busy');
  });

  it('queues a task it cannot start yet when no other replica has fewer collections, and passes it to one that has', async () => {
    const knex = await databases.init('SQLITE_3');
    const clusters = await threeClusters();
    clusters[0].server.setFaults([{ fault: 'latency', ms: 300 }]);
    const store = await PostureStore.fromKnex(knex);
    let others: ReplicaLoad[] = [];
    const loads = { publish: async () => {}, others: async () => others };
    const { refresher, sources } = makeRefresher({ store, clusters, entities: ENTITIES, loads, posture: { maxConcurrentCollections: 1 } });
    const { spy, wrap } = concurrencySpy();
    wrap(sources);
    const east = refresher.tryRunCluster('east');
    while (spy.active === 0) await sleep(5);
    // every other replica runs as many: passing it on would only make it bounce between full replicas
    others = [{ running: 1, busyMs: 0 }, { running: 1, busyMs: 0 }];
    const west = refresher.tryRunCluster('west');
    await expect(Promise.race([west, sleep(50).then(() => 'queued')])).resolves.toBe('queued');
    expect(refresher.load().running).toBe(2);
    // now this replica has two (one queued), the others one each: one of them starts it sooner
    await expect(refresher.tryRunCluster('central')).resolves.toBe('busy');
    const summaries = await Promise.all([east, west]);
    expect(summaries).not.toContain('busy');
    expect(spy.maxActive).toBe(1);
  });

  it('counts the time spent collecting within the last interval only', () => {
    const { refresher } = makeRefresher({ store: {} as PostureStore, clusters: [], entities: [], posture: { schedule: { frequency: { seconds: 100 } } } });
    const busy = (refresher as unknown as { busy: { start: number; end?: number }[] }).busy;
    busy.push({ start: 0, end: 50_000 }, { start: 120_000, end: 150_000 }, { start: 190_000 });
    // at 200 s the interval is 100-200 s: the first run has left it, the second counts whole, the third so far
    expect(refresher.load(200_000)).toEqual({ running: 0, busyMs: 40_000 });
    expect(busy).toHaveLength(2);
  });

  it.each(databases.eachSupportedId())('stops and saves nothing when the scheduler aborts the run, %p', async id => {
    const knex = await databases.init(id);
    const clusters = await threeClusters();
    for (const c of clusters) c.server.setFaults([{ fault: 'latency', ms: 300 }]);
    const store = await PostureStore.fromKnex(knex);
    const saveRun = jest.spyOn(store, 'saveRun');
    const { refresher } = makeRefresher({ store, clusters, entities: ENTITIES });
    const controller = new AbortController();
    const run = refresher.runCluster('east', controller.signal);
    while (clusters[0].server.stats.total === 0) await sleep(5);
    controller.abort(new Error('Task was cancelled'));
    await expect(run).rejects.toThrow(/cancelled|aborted/);
    expect(saveRun).not.toHaveBeenCalled();
    expect(await store.listEntityRefs()).toEqual([]);
  });

  it.each(databases.eachSupportedId())(
    'keeps entities gone from the catalog for the grace period, and reads a shrunken catalog twice, %p',
    async id => {
      const knex = await databases.init(id);
      const clusters = await threeClusters();
      const store = await PostureStore.fromKnex(knex);
      let answers: Entity[][] = [];
      let reads = 0;
      const catalog = {
        getEntities: async () => {
          reads++;
          return { items: answers.length > 1 ? answers.shift()! : answers[0] };
        },
      } as unknown as CatalogService;
      const { refresher } = makeRefresher({
        store,
        clusters,
        entities: [],
        catalog,
        posture: { removalGracePeriod: { milliseconds: 200 } },
      });
      answers = [ENTITIES];
      await refresher.run();
      expect(await store.listEntityRefs()).toHaveLength(4);
      const historyBefore = await store.getHistory('component:default/shop');
      expect(historyBefore).toHaveLength(1);

      // an empty answer (a permission policy filtering the plugin's reads), then the full catalog
      reads = 0;
      answers = [[], ENTITIES];
      let summary = await refresher.run();
      expect(reads).toBe(2);
      expect(summary).toMatchObject({ entities: 4, absent: 0, removed: 0 });

      // empty twice: confirmed, yet only marked absent, history kept
      reads = 0;
      answers = [[]];
      summary = await refresher.run();
      expect(reads).toBe(2);
      expect(summary).toMatchObject({ entities: 0, absent: 4, removed: 0 });
      expect(await store.listEntityRefs()).toHaveLength(4);
      expect(await store.getHistory('component:default/shop')).toEqual(historyBefore);

      // back within the grace period: nothing was lost
      answers = [ENTITIES];
      summary = await refresher.run();
      expect(summary).toMatchObject({ absent: 0, removed: 0 });
      expect(await store.listAbsentEntities()).toEqual([]);

      // one entity leaves for good: deleted only by a run after the grace period
      const rest = ENTITIES.filter(e => e.metadata.name !== 'shop');
      answers = [rest];
      summary = await refresher.run();
      expect(summary).toMatchObject({ absent: 1, removed: 0 });
      expect(await store.getHistory('component:default/shop')).toHaveLength(1);
      await sleep(250);
      summary = await refresher.run();
      expect(summary).toMatchObject({ absent: 1, removed: 1 });
      expect(await store.listEntityRefs()).not.toContain('component:default/shop');
      expect(await store.getHistory('component:default/shop')).toEqual([]);
      expect(await store.listAbsentEntities()).toEqual([]);
    },
  );

  it.each(databases.eachSupportedId())(
    'keeps the claims of a shared workload after a run of another cluster, %p',
    async id => {
      const knex = await databases.init(id);
      // `vault` runs in east only; `snoop` selects it by label, and has a workload of its own in west
      const east = await startCluster('east', workloadObjects({ id: 'vault' }));
      const west = await startCluster('west', workloadObjects({ id: 'snoop' }));
      servers.push(east, west);
      const clusters = [{ name: 'east', server: east }, { name: 'west', server: west }];
      const snoop = component('snoop', { kubernetesId: null });
      snoop.metadata.annotations = { 'backstage.io/kubernetes-label-selector': 'app in (vault,snoop)' };
      const store = await PostureStore.fromKnex(knex);
      const { refresher } = makeRefresher({ store, clusters, entities: [component('vault'), snoop] });
      await refresher.runCluster('east');
      // each is shown only to those who may read the other
      const both = new Map([
        ['component:default/snoop', ['component:default/vault']],
        ['component:default/vault', ['component:default/snoop']],
      ]);
      expect(await store.sharedClaims()).toEqual(both);

      // a run of west writes snoop's row again; its rows of east, with vault's workload, stay
      await refresher.runCluster('west');
      const kept = (await store.getEntity('component:default/snoop'))!;
      expect(kept.clusters.map(c => c.cluster).sort()).toEqual(['east', 'west']);
      expect(kept.clusters.find(c => c.cluster === 'east')!.sharedWith).toEqual(['component:default/vault']);
      expect(await store.sharedClaims()).toEqual(both);

      // vault's workload leaves east: the claim goes with the next run of east
      const refs = (workloadObjects({ id: 'vault' }) as { apiVersion: string; kind: string; metadata: { name: string; namespace?: string } }[])
        .map(o => ({ apiVersion: o.apiVersion, kind: o.kind, namespace: o.metadata.namespace, name: o.metadata.name }));
      expect(east.deleteObjects(refs)).toBe(refs.length);
      await refresher.runCluster('east');
      expect(await store.sharedClaims()).toEqual(new Map());
    },
  );

  it.each(databases.eachSupportedId())('never deletes in the run that first misses an entity, even with no grace, %p', async id => {
    const knex = await databases.init(id);
    const clusters = await threeClusters();
    const store = await PostureStore.fromKnex(knex);
    let items = ENTITIES;
    const catalog = { getEntities: async () => ({ items }) } as unknown as CatalogService;
    const { refresher } = makeRefresher({ store, clusters, entities: [], catalog, posture: { removalGracePeriod: { milliseconds: 0 } } });
    await refresher.run();
    items = ENTITIES.slice(1);
    expect(await refresher.run()).toMatchObject({ absent: 1, removed: 0 });
    expect(await refresher.run()).toMatchObject({ absent: 1, removed: 1 });
  });

  it.each(databases.eachSupportedId())(
    'forgets a cluster removed from the configuration, %p',
    async id => {
      const knex = await databases.init(id);
      const clusters = await threeClusters();
      const store = await PostureStore.fromKnex(knex);
      await makeRefresher({ store, clusters, entities: ENTITIES }).refresher.run();
      expect((await store.getEntity('component:default/shop'))!.clusters).toHaveLength(3);

      // a replica on a config without `central` (a rolling deploy that adds it, say) leaves it alone
      // while replicas still collect it
      const kept = clusters.filter(c => c.name !== 'central');
      await makeRefresher({ store, clusters: kept, entities: ENTITIES }).refresher.run();
      expect((await store.getClusterStatuses()).map(s => s.name)).toEqual(['central', 'east', 'west']);
      expect((await store.getEntity('component:default/shop'))!.clusters).toHaveLength(3);

      // once no replica has tried it for two intervals (and a timeout), it is forgotten
      const short = { schedule: { frequency: { milliseconds: 20 }, timeout: { milliseconds: 20 } } };
      await sleep(100);
      await makeRefresher({ store, clusters: kept, entities: ENTITIES, posture: short }).refresher.run();
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
