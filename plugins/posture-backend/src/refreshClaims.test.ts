import { TestDatabases } from '@backstage/backend-test-utils';
import { PostureStore } from './store/PostureStore';
import { DatabaseRefreshClaims } from './refreshClaims';
import { refreshTrigger } from './scheduling';

jest.setTimeout(60_000);

// PostgreSQL runs when BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING is set; never start a container
const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'], disableDocker: true });

const IDS = ['posture-collect:east', 'posture-collect:west', 'posture-collect:north'];

describe('the refresh cooldown, shared by the replicas', () => {
  it.each(databases.eachSupportedId())('a refresh on one replica starts it for the others, %p', async id => {
    const knex = await databases.init(id);
    await PostureStore.fromKnex(knex); // runs the migrations
    let now = 1_000_000;
    const triggered: string[] = [];
    let failing: string | undefined;
    const replica = () =>
      refreshTrigger({
        scheduler: {
          triggerTask: async task => {
            if (task === failing) throw new Error('connection terminated');
            triggered.push(task);
          },
        },
        taskIds: IDS,
        cooldownMs: 60_000,
        claims: new DatabaseRefreshClaims(knex),
        now: () => now,
      });
    const a = replica();
    const b = replica();

    expect(await a()).toBeUndefined();
    expect(triggered).toEqual(IDS);
    // replica b, 4 s later, is inside a's cooldown
    now += 4_000;
    expect(await b()).toEqual({ retryAfterMs: 56_000 });
    expect(triggered).toHaveLength(3);

    // after it, b triggers; one trigger fails, and that task alone is free again at once, on either replica
    now += 56_000;
    failing = 'posture-collect:west';
    await expect(b()).rejects.toThrow('connection terminated');
    failing = undefined;
    triggered.length = 0;
    expect(await a()).toBeUndefined();
    expect(triggered).toEqual(['posture-collect:west']);
    expect(await b()).toEqual({ retryAfterMs: 60_000 });
  });

  it.each(databases.eachSupportedId())('two replicas refreshing at once trigger each task once, %p', async id => {
    const knex = await databases.init(id);
    await PostureStore.fromKnex(knex);
    const triggered: string[] = [];
    const replica = () =>
      refreshTrigger({
        scheduler: { triggerTask: async task => void triggered.push(task) },
        taskIds: IDS,
        cooldownMs: 60_000,
        claims: new DatabaseRefreshClaims(knex),
      });
    const answers = await Promise.all([replica()(), replica()(), replica()()]);
    expect(triggered.sort()).toEqual([...IDS].sort());
    expect(answers.filter(a => a !== undefined)).toHaveLength(2);
  });
});
