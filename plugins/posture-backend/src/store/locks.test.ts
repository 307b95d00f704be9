import { TestDatabases } from '@backstage/backend-test-utils';
import { ConflictError, InputError } from '@backstage/errors';
import { PostureStore } from './PostureStore';

jest.setTimeout(60_000);

// PostgreSQL runs when BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING is set; never start a container
const databases = TestDatabases.create({
  ids: ['SQLITE_3', 'POSTGRES_15'],
  disableDocker: true,
});

const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms));

/** Two stores on one database stand for two backend replicas; each has its own clock. */
async function replicas(id: Parameters<typeof databases.init>[0]) {
  const knex = await databases.init(id);
  let now = Date.parse('2025-06-01T12:00:00.000Z');
  const clock = () => new Date(now);
  const a = await PostureStore.fromKnex(knex, { clock });
  const b = await PostureStore.fromKnex(knex, { clock, skipMigrations: true });
  return { knex, a, b, advance: (ms: number) => (now += ms) };
}

describe('PostureStore locks', () => {
  it.each(databases.eachSupportedId())(
    'lets one holder at a time take a lock, %p',
    async id => {
      const { a, b } = await replicas(id);
      const lease = await a.tryAcquireLock('collect', 60_000);
      expect(lease).toMatchObject({
        name: 'collect',
        expiresAt: '2025-06-01T12:01:00.000Z',
      });
      expect(await b.tryAcquireLock('collect', 60_000)).toBeUndefined();
      // the same process asking again is a different acquisition, and waits its turn too
      expect(await a.tryAcquireLock('collect', 60_000)).toBeUndefined();
      // other lock names are independent
      expect(await b.tryAcquireLock('other', 60_000)).toBeDefined();

      expect(await a.releaseLock(lease!)).toBe(true);
      expect(await a.releaseLock(lease!)).toBe(false);
      const next = await b.tryAcquireLock('collect', 60_000);
      expect(next).toBeDefined();
      expect(next!.token).not.toBe(lease!.token);
      await expect(b.tryAcquireLock('collect', 0)).rejects.toBeInstanceOf(
        InputError,
      );
    },
  );

  it.each(databases.eachSupportedId())(
    'frees the lock of a holder that stopped renewing, %p',
    async id => {
      const { a, b, advance } = await replicas(id);
      const crashed = await a.tryAcquireLock('collect', 1_000);
      advance(999);
      expect(await b.tryAcquireLock('collect', 1_000)).toBeUndefined();
      // renewing keeps it
      const renewed = await a.renewLock(crashed!, 1_000);
      expect(renewed!.expiresAt).toBe('2025-06-01T12:00:01.999Z');
      advance(999);
      expect(await b.tryAcquireLock('collect', 1_000)).toBeUndefined();
      advance(1);
      const taken = await b.tryAcquireLock('collect', 1_000);
      expect(taken).toBeDefined();
      // the old holder finds out it lost the lock, and cannot release the new holder's lease
      expect(await a.renewLock(renewed!, 1_000)).toBeUndefined();
      expect(await a.releaseLock(renewed!)).toBe(false);
      expect(await a.tryAcquireLock('collect', 1_000)).toBeUndefined();
      expect(await b.releaseLock(taken!)).toBe(true);
    },
  );

  it.each(databases.eachSupportedId())(
    'serialises overlapping runs across replicas, %p',
    async id => {
      const knex = await databases.init(id);
      const a = await PostureStore.fromKnex(knex);
      const b = await PostureStore.fromKnex(knex, { skipMigrations: true });
      const spans: { who: string; start: number; end: number }[] = [];
      let inside = 0;
      let maxInside = 0;
      const job = (who: string) => async () => {
        inside++;
        maxInside = Math.max(maxInside, inside);
        const start = Date.now();
        await sleep(150);
        inside--;
        spans.push({ who, start, end: Date.now() });
        return who;
      };
      const options = { ttlMs: 30_000, waitMs: 20_000, pollMs: 20 };
      const results = await Promise.all([
        a.withLock('collect', job('scheduled'), options),
        b.withLock('collect', job('manual'), options),
        a.withLock('collect', job('another'), options),
      ]);
      expect(results).toEqual(['scheduled', 'manual', 'another']);
      expect(maxInside).toBe(1);
      spans.sort((x, y) => x.start - y.start);
      for (let i = 1; i < spans.length; i++)
        expect(spans[i].start).toBeGreaterThanOrEqual(spans[i - 1].end);
      // released at the end
      expect(await b.tryAcquireLock('collect')).toBeDefined();
    },
  );

  it.each(databases.eachSupportedId())(
    'gives up waiting with a ConflictError, %p',
    async id => {
      const { a, b } = await replicas(id);
      await a.tryAcquireLock('collect', 60_000);
      const fn = jest.fn(async () => 'ran');
      await expect(
        b.withLock('collect', fn, { waitMs: 100, pollMs: 20 }),
      ).rejects.toBeInstanceOf(ConflictError);
      expect(fn).not.toHaveBeenCalled();
    },
  );

  it.each(databases.eachSupportedId())(
    'renews while running and signals a lost lease, %p',
    async id => {
      const knex = await databases.init(id);
      const a = await PostureStore.fromKnex(knex);
      const b = await PostureStore.fromKnex(knex, { skipMigrations: true });

      // a run longer than its TTL keeps the lock because it is renewed
      await a.withLock(
        'collect',
        async () => {
          for (let i = 0; i < 8; i++) {
            await sleep(150);
            expect(await b.tryAcquireLock('collect', 1_000)).toBeUndefined();
          }
        },
        { ttlMs: 600 },
      );

      // someone deletes the row (an operator clearing a stuck lock): the run is told to stop
      const aborted = await a.withLock(
        'collect',
        async (_lease, signal) => {
          await knex('posture_locks').delete();
          const start = Date.now();
          while (!signal.aborted && Date.now() - start < 5_000) await sleep(10);
          return signal.aborted ? signal.reason : undefined;
        },
        { ttlMs: 90 },
      );
      expect(aborted).toBeInstanceOf(ConflictError);
    },
  );
});
