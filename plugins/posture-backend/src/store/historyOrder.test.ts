import { TestDatabases } from '@backstage/backend-test-utils';
import { PostureStore } from './PostureStore';
import { entity, pssLevelOf, result, status } from './testFixtures';

jest.setTimeout(60_000);

// PostgreSQL runs when BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING is set; never start a container
const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'], disableDocker: true });

const save = (store: PostureStore, at: string, outcome: 'pass' | 'fail') =>
  store.saveRun({
    startedAt: at,
    finishedAt: at,
    clusterStatuses: [status('east', at)],
    entities: [entity({ name: 'web', clusters: { east: [result('replicas', outcome)] }, at })],
    scoring: { pssLevelOf },
  });

describe('history', () => {
  it.each(databases.eachSupportedId())(
    "ends on the entity's current score when a replica's clock is behind, %p",
    async id => {
      const knex = await databases.init(id);
      const store = await PostureStore.fromKnex(knex);
      await save(store, '2025-03-01T10:00:00.000Z', 'pass');
      await save(store, '2025-03-01T10:00:10.000Z', 'fail');
      // the next save comes from a replica whose clock is 10 s behind
      await save(store, '2025-03-01T10:00:05.000Z', 'pass');
      const current = (await store.getEntity('component:default/web'))!.combined!.overall;
      const history = await store.getHistory('component:default/web');
      expect(history.map(h => h.overall)).toEqual([100, 0, 100]);
      expect(history.at(-1)!.overall).toBe(current);
      // and an unchanged save after it settles against that last point: nothing new
      await save(store, '2025-03-01T10:00:20.000Z', 'pass');
      expect(await store.getHistory('component:default/web')).toHaveLength(3);
    },
  );
});
