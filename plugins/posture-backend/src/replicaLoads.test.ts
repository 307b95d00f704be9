import { TestDatabases } from '@backstage/backend-test-utils';
import { PostureStore } from './store/PostureStore';
import { DatabaseLoadBoard, lessLoaded } from './replicaLoads';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'], disableDocker: true });

describe('DatabaseLoadBoard', () => {
  it.each(databases.eachSupportedId())('shows each replica the live others, %p', async id => {
    const knex = await databases.init(id);
    await PostureStore.fromKnex(knex); // runs the migrations
    let now = 1_000_000;
    const clock = () => now;
    const a = new DatabaseLoadBoard(knex, { id: 'a', liveMs: 1000, now: clock });
    const b = new DatabaseLoadBoard(knex, { id: 'b', liveMs: 1000, now: clock });
    const c = new DatabaseLoadBoard(knex, { id: 'c', liveMs: 1000, now: clock });
    await a.publish({ running: 1, busyMs: 40_000 });
    await b.publish({ running: 0, busyMs: 0 });
    expect(await a.others()).toEqual([{ running: 0, busyMs: 0 }]);
    expect(await c.others()).toEqual(expect.arrayContaining([{ running: 1, busyMs: 40_000 }, { running: 0, busyMs: 0 }]));
    // a second publish replaces the first
    await b.publish({ running: 2, busyMs: 7 });
    expect(await a.others()).toEqual([{ running: 2, busyMs: 7 }]);
    // a replica that stopped publishing (killed) drops out once it is older than liveMs...
    now += 1001;
    await c.publish({ running: 0, busyMs: 0 });
    expect(await c.others()).toEqual([]);
    // ...and its row goes after ten times that
    now += 10_000;
    await c.publish({ running: 0, busyMs: 0 });
    expect((await knex('posture_replica_loads').select('id')).map(r => r.id)).toEqual(['c']);
    // one that stops cleanly leaves at once
    await a.publish({ running: 0, busyMs: 0 });
    await a.close();
    expect(await c.others()).toEqual([]);
    // and stays gone: the collections its shutdown aborts publish again as they end
    await a.publish({ running: 1, busyMs: 5 });
    expect(await c.others()).toEqual([]);
  });
});

describe('lessLoaded', () => {
  it('prefers fewer collections, then less time collecting', () => {
    expect(lessLoaded({ running: 0, busyMs: 90_000 }, { running: 1, busyMs: 0 })).toBe(true);
    expect(lessLoaded({ running: 1, busyMs: 10 }, { running: 1, busyMs: 20 })).toBe(true);
    expect(lessLoaded({ running: 1, busyMs: 20 }, { running: 1, busyMs: 20 })).toBe(false);
    expect(lessLoaded({ running: 2, busyMs: 0 }, { running: 1, busyMs: 90_000 })).toBe(false);
  });
});
