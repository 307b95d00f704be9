import { TestDatabases } from '@backstage/backend-test-utils';
import { PostureStore } from './PostureStore';
import { entity, pssLevelOf, result, status } from './testFixtures';

jest.setTimeout(60_000);

// PostgreSQL runs when BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING is set; never start a container
const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'], disableDocker: true });

const AT = '2025-03-01T10:00:00.000Z';
const LATER = '2025-03-01T11:00:00.000Z';
/** more than one batch of a save (500 entities per transaction) */
const NAMES = Array.from({ length: 620 }, (_, i) => `svc-${i}`);

const run = (at: string, outcome: 'pass' | 'fail') => ({
  startedAt: at,
  finishedAt: at,
  clusterStatuses: [status('east', at)],
  entities: NAMES.map(name => entity({ name, clusters: { east: [result('replicas', outcome)] }, at })),
  scoring: { pssLevelOf },
});

describe('the data version replicas cache against', () => {
  it.each(databases.eachSupportedId())(
    'changes with each batch a save commits, so a save that fails part-way is not hidden from other replicas, %p',
    async id => {
      const knex = await databases.init(id);
      let now = Date.parse(AT);
      const clock = () => new Date(now);
      const a = await PostureStore.fromKnex(knex, { clock });
      const b = await PostureStore.fromKnex(knex, { clock, skipMigrations: true });
      await a.saveRun(run(AT, 'pass'));
      // replica b caches every scorecard
      for (const name of NAMES) expect((await b.getEntity(`component:default/${name}`))!.combined!.overall).toBe(100);

      // replica a's next save dies after its first batch committed (as a kill mid-save would leave it)
      const writeOwnRows = (a as any).writeOwnRows.bind(a);
      let batches = 0;
      (a as any).writeOwnRows = (...args: unknown[]) => {
        if (++batches === 2) throw new Error('killed');
        return writeOwnRows(...args);
      };
      await expect(a.saveRun(run(LATER, 'fail'))).rejects.toThrow('killed');

      // past the version's time to live, b serves what the database holds, entity by entity
      now += 2000;
      const fresh = await PostureStore.fromKnex(knex, { clock, skipMigrations: true });
      let failing = 0;
      for (const name of NAMES) {
        const stored = (await fresh.getEntity(`component:default/${name}`))!.combined!.overall;
        if (stored === 0) failing++;
        expect((await b.getEntity(`component:default/${name}`))!.combined!.overall).toBe(stored);
      }
      // the first batch was committed, the rest was not
      expect(failing).toBe(500);
    },
  );
});
