import { TestDatabases } from '@backstage/backend-test-utils';
import zlib from 'node:zlib';
import { OverviewQuery } from '@posture-dev/backstage-plugin-posture-common';
import { CACHE_ENTRY_OVERHEAD, PostureStore } from './PostureStore';
import {
  SYNC_GUNZIP_BYTES,
  SYNC_GZIP_BYTES,
  CompressedJson,
  compressedBody,
  gzipBody,
  inflateJson,
  serialised,
} from './readCache';
import { entity, result, status } from './testFixtures';

jest.setTimeout(120_000);

// PostgreSQL runs when BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING is set; never start a container
const databases = TestDatabases.create({
  ids: ['SQLITE_3', 'POSTGRES_15'],
  disableDocker: true,
});

// the two queries of an uncached read's cluster rows: the rows without their results, then the results
const ROWS_QUERY = /from [`"]posture_entity_clusters[`"] as [`"]ec[`"]/;
const RESULTS_QUERY = /select [`"]entity_ref[`"], [`"]cluster[`"], [`"]results[`"]/;

const T1 = '2025-06-01T08:00:00.000Z';
const T2 = '2025-06-02T08:00:00.000Z';
const scal = { pillar: 'scalability' as const };

/** 30 entities across two owners, two lifecycles and two clusters, with varied failures */
function fleet(at: string, failEvery: number) {
  return Array.from({ length: 30 }, (_, i) =>
    entity({
      name: `svc-${String(i).padStart(2, '0')}`,
      title: i % 7 === 0 ? `Ünïcode Svc ${i}` : null,
      owner: i % 2 ? 'group:default/team-a' : 'group:default/Team-B',
      lifecycle: i % 3 ? 'production' : 'Experimental',
      at,
      clusters:
        i % 10 === 9
          ? {}
          : {
              [i % 4 ? 'prod' : 'dev']: [
                result('replicas', i % failEvery ? 'pass' : 'fail', scal),
                result('privileged-container', i % 3 ? 'pass' : 'fail', {
                  severity: 'critical',
                }),
              ],
            },
    }),
  );
}

const QUERIES: OverviewQuery[] = [
  {},
  { sort: 'overall', order: 'desc', limit: 5 },
  { sort: 'security', order: 'asc', offset: 10, limit: 7 },
  { sort: 'grade', owner: ['group:default/team-b'] },
  { lifecycle: ['experimental'], sort: 'scalability', order: 'desc' },
  { cluster: ['dev'], sort: 'level' },
  { q: 'ünïcode', sort: 'name', order: 'desc' },
  { grade: ['A', 'F'], level: ['None', 'Gold'], sort: 'lastChangedAt' },
  { kind: ['COMPONENT'], sort: 'owner', offset: 28 },
];

async function filled(id: Parameters<typeof databases.init>[0]) {
  const knex = await databases.init(id);
  const store = await PostureStore.fromKnex(knex);
  await store.saveRun({
    startedAt: T1,
    finishedAt: T1,
    entities: fleet(T1, 2),
    clusterStatuses: [status('prod', T1), status('dev', T1)],
  });
  return { knex, store };
}

describe('PostureStore read caches', () => {
  it.each(databases.eachSupportedId())(
    'serve the same JSON as the object API, with and without a permission set, %p',
    async id => {
      const { store } = await filled(id);
      const allowed = new Set([
        'component:default/svc-00',
        'component:default/svc-03',
        'COMPONENT:default/svc-09',
        'component:default/svc-12',
      ]);
      for (const q of QUERIES) {
        for (const allowedRefs of [undefined, allowed, new Set<string>()]) {
          const query = { ...q, allowedRefs };
          // twice: the second answer comes from the cache
          for (let i = 0; i < 2; i++) {
            const object = await store.listOverview(query);
            expect((await store.listOverviewJson(query)).body.toString()).toBe(
              JSON.stringify(object),
            );
          }
        }
      }
      // a shared page has a stable entity tag; a page for one caller's permissions has none
      const shared = await store.listOverviewJson({ sort: 'name' });
      expect(shared.etag).toMatch(/^W\/"/);
      expect((await store.listOverviewJson({ sort: 'name' })).etag).toBe(
        shared.etag,
      );
      expect((await store.listOverviewJson({ sort: 'grade' })).etag).not.toBe(
        shared.etag,
      );
      expect(
        (await store.listOverviewJson({ allowedRefs: allowed })).etag,
      ).toBeUndefined();
      const withPermissions = await store.listOverview({
        allowedRefs: allowed,
      });
      expect(withPermissions.rows.map(r => r.name)).toEqual([
        'svc-00',
        'svc-03',
        'svc-09',
        'svc-12',
      ]);
      const card = await store.getEntity('component:default/SVC-04');
      expect(card?.name).toBe('svc-04');
      expect(
        (
          await store.getEntityJson('component:default/svc-04')
        )?.body.toString(),
      ).toBe(JSON.stringify(card));
      expect(await store.getEntityJson('component:default/nope')).toBe(
        undefined,
      );
    },
  );

  it.each(databases.eachSupportedId())(
    'load the misses of one turn together, each read getting its own scorecard, %p',
    async id => {
      const { knex } = await filled(id);
      const refs = Array.from({ length: 30 }, (_, i) => `component:default/svc-${String(i).padStart(2, '0')}`);
      // each read alone: a batch of one
      const alone = await PostureStore.fromKnex(knex, { skipMigrations: true });
      const expected: (string | undefined)[] = [];
      for (const ref of refs) expected.push((await alone.getEntityJson(ref))?.body.toString());
      expect(expected.every(e => e !== undefined)).toBe(true);

      const store = await PostureStore.fromKnex(knex, { skipMigrations: true });
      await store.getEntityJson(refs[0]); // the data version, read once before the burst
      const entityQueries: string[] = [];
      // refs per query of cluster rows: grouped by the cluster rows they hold (2 each for most here)
      const clusterQueryRefs: number[] = [];
      const resultsQueryBindings: number[] = [];
      const onQuery = (q: { sql: string; bindings?: unknown[] }) => {
        if (/from [`"]posture_entities[`"]/.test(q.sql)) entityQueries.push(q.sql);
        if (ROWS_QUERY.test(q.sql)) clusterQueryRefs.push(q.bindings?.length ?? 0);
        if (RESULTS_QUERY.test(q.sql)) resultsQueryBindings.push(q.bindings?.length ?? 0);
      };
      knex.on('query', onQuery);
      try {
        // a burst of misses: every other entity, one of them twice (in another case), and one never scored
        const burst = [...refs.slice(1), 'COMPONENT:default/svc-05', 'component:default/nope'];
        const bodies = await Promise.all(burst.map(r => store.getEntityJson(r)));
        expect(bodies.slice(0, 29).map(b => b?.body.toString())).toEqual(expected.slice(1));
        expect(bodies[29]?.body.toString()).toBe(expected[5]);
        expect(bodies[30]).toBeUndefined();
        expect(entityQueries).toHaveLength(1);
        // 29 entities, one group, their rows read with their results: nothing is kept yet to reuse
        expect(clusterQueryRefs).toEqual([29]);
        expect(resultsQueryBindings).toEqual([]);
      } finally {
        knex.removeListener('query', onQuery);
      }
    },
  );

  it.each(databases.eachSupportedId())(
    'read the cluster rows of entities in many clusters in groups of about 50 rows, %p',
    async id => {
      const knex = await databases.init(id);
      const names = ['c1', 'c2', 'c3', 'c4', 'c5', 'c6', 'c7'];
      const many = Array.from({ length: 20 }, (_, i) =>
        entity({ name: `wide-${i}`, at: T1, clusters: Object.fromEntries(names.map(c => [c, [result('replicas', 'pass', scal)]])) }),
      );
      await (await PostureStore.fromKnex(knex)).saveRun({
        startedAt: T1,
        finishedAt: T1,
        entities: many,
        clusterStatuses: names.map(c => status(c, T1)),
      });
      const alone = await PostureStore.fromKnex(knex, { skipMigrations: true });
      const expected: (string | undefined)[] = [];
      for (const e of many) expected.push((await alone.getEntityJson(e.entityRef))?.body.toString());

      const store = await PostureStore.fromKnex(knex, { skipMigrations: true });
      await store.getEntityJson('component:default/nope');
      const clusterQueryRefs: number[] = [];
      const onQuery = (q: { sql: string; bindings?: unknown[] }) => {
        if (ROWS_QUERY.test(q.sql)) clusterQueryRefs.push(q.bindings?.length ?? 0);
      };
      knex.on('query', onQuery);
      try {
        const bodies = await Promise.all(many.map(e => store.getEntityJson(e.entityRef)));
        expect(bodies.map(b => b?.body.toString())).toEqual(expected);
      } finally {
        knex.removeListener('query', onQuery);
      }
      // 7 rows each: 7 entities (49 rows) to a group, never an entity split
      expect(clusterQueryRefs).toEqual([7, 7, 6]);
    },
  );

  /** An entity in four clusters; `c2`'s one result passes or fails ('pass' and 'fail' are the same length). */
  const wide = (c2: 'pass' | 'fail', clusters = ['c1', 'c2', 'c3', 'c4']) =>
    entity({
      name: 'wide',
      at: T1,
      clusters: Object.fromEntries(
        clusters.map(c => [c, [result('replicas', c === 'c2' ? c2 : 'pass', scal), result(`check-${c}`, 'fail', scal)]]),
      ),
    });
  const saveWide = (store: PostureStore, c2: 'pass' | 'fail', clusters = ['c1', 'c2', 'c3', 'c4']) =>
    store.saveRun({ startedAt: T1, finishedAt: T1, entities: [wide(c2, clusters)], clusterStatuses: clusters.map(c => status(c, T1)) });
  /** what a store with nothing cached serves */
  const coldBody = async (knex: Parameters<typeof PostureStore.fromKnex>[0], ref: string) =>
    (await (await PostureStore.fromKnex(knex, { skipMigrations: true })).getEntityJson(ref))?.body.toString();
  /** The cluster rows whose results were read while `fn` ran: with the rows, or by a results query. */
  async function resultsRead(knex: Parameters<typeof PostureStore.fromKnex>[0], fn: () => Promise<unknown>) {
    let rows = 0;
    const onResponse = (response: unknown, q: { sql: string }) => {
      const withRows = ROWS_QUERY.test(q.sql) && /[`"]ec[`"]\.[`"]results[`"]/.test(q.sql);
      if ((withRows || RESULTS_QUERY.test(q.sql)) && Array.isArray(response)) rows += response.length;
    };
    knex.on('query-response', onResponse);
    try {
      await fn();
    } finally {
      knex.removeListener('query-response', onResponse);
    }
    return rows;
  }

  it.each(databases.eachSupportedId())(
    'after a save of one cluster, read only that cluster’s results again and reuse the others’ compressed, %p',
    async id => {
      const knex = await databases.init(id);
      const writer = await PostureStore.fromKnex(knex);
      await saveWide(writer, 'pass');
      const ref = 'component:default/wide';
      const store = await PostureStore.fromKnex(knex, { skipMigrations: true, versionTtlMs: 0 });
      // nothing kept yet: the results come with the rows
      expect(await resultsRead(knex, () => store.getEntityJson(ref))).toBe(4);
      const before = (await store.getEntityJson(ref))!;

      // c2 again, at the same time and with a result of the same length: only its token tells them apart
      await saveWide(writer, 'fail', ['c2']);
      let after: Awaited<ReturnType<PostureStore['getEntityJson']>>;
      expect(
        await resultsRead(knex, async () => {
          after = await store.getEntityJson(ref);
        }),
        // c2's results, and its neighbours': c1's as c2's dictionary, c3's to compress again behind c2's
      ).toBe(3);
      const text = after!.body.toString();
      expect(text).toBe(await coldBody(knex, ref));
      expect(text).not.toBe(before.body.toString());
      expect(JSON.parse(text).results.filter((r: { status: string }) => r.status === 'fail')).toHaveLength(5);
      expect(after!.etag).not.toBe(before.etag);
      // served gzipped as kept: a whole gzip member, its CRC and length checked by gunzip
      expect(zlib.gunzipSync(await after!.gzip!()).toString()).toBe(text);
      expect(JSON.parse(JSON.stringify(await store.getEntity(ref)))).toEqual(JSON.parse(text));

      // a cluster gone from the entity, and one back: the same as a cold read each time
      await writer.saveRun({ startedAt: T2, finishedAt: T2, entities: [wide('pass', ['c1'])], clusterStatuses: [status('c1', T2)], removedClusters: ['c3'] });
      expect((await store.getEntityJson(ref))!.body.toString()).toBe(await coldBody(knex, ref));
      await saveWide(writer, 'pass', ['c3']);
      expect((await store.getEntityJson(ref))!.body.toString()).toBe(await coldBody(knex, ref));
    },
  );

  it.each(databases.eachSupportedId())(
    'serve what a cold read serves through any sequence of saves, kept pieces or not, %p',
    async id => {
      const knex = await databases.init(id);
      const writer = await PostureStore.fromKnex(knex);
      const store = await PostureStore.fromKnex(knex, { skipMigrations: true, versionTtlMs: 0 });
      const names = ['c1', 'c2', 'c3', 'c4', 'c5'];
      // a fixed sequence from a small generator, so that a failure repeats
      let seed = 7;
      const rand = (n: number) => {
        seed = (seed * 1103515245 + 12345) % 2 ** 31;
        // the high bits: an LCG's low bits repeat with a short period
        return Math.floor(seed / 2 ** 16) % n;
      };
      const refs = ['component:default/e0', 'component:default/e1'];
      for (let step = 0; step < 40; step++) {
        const at = new Date(Date.UTC(2025, 5, 1, 8, step)).toISOString();
        const saved = names.filter(() => rand(2) === 0);
        const entities = refs.map((_, i) =>
          entity({
            name: `e${i}`,
            at,
            clusters: Object.fromEntries(
              saved.map(c => [
                c,
                // none, or a few with the same checks in every cluster (what dictionaries find)
                Array.from({ length: rand(4) }, (__, j) => result(`check-${j}`, rand(3) ? 'pass' : 'fail', scal)),
              ]),
            ),
          }),
        );
        const removedClusters = rand(8) === 0 ? [names[rand(names.length)]].filter(c => !saved.includes(c)) : [];
        await writer.saveRun({ startedAt: at, finishedAt: at, entities, clusterStatuses: saved.map(c => status(c, at)), removedClusters });
        // now and then, rows as written before tokens
        if (rand(10) === 0) await knex('posture_entity_clusters').where('cluster', names[rand(names.length)]).update({ results_token: null });
        for (const ref of refs) {
          const served = await store.getEntityJson(ref);
          const cold = await coldBody(knex, ref);
          expect(served?.body.toString()).toBe(cold);
          if (served) expect(zlib.gunzipSync(await served.gzip!()).toString()).toBe(cold);
        }
      }
    },
  );

  it.each(databases.eachSupportedId())(
    'take the dictionary from the end of large results, with a four-byte character at the window’s edge, %p',
    async id => {
      const knex = await databases.init(id);
      const writer = await PostureStore.fromKnex(knex);
      const store = await PostureStore.fromKnex(knex, { skipMigrations: true, versionTtlMs: 0 });
      // c1's one result ends, after an emoji (two UTF-16 units, four bytes), in ASCII of exactly a window's
      // length, so that the window's edge falls between the emoji's two halves
      const window = 32 * 1024;
      const large = (pad: number) => ({ ...result(`\u{1F600}${'a'.repeat(pad)}`, 'pass', scal), cluster: 'c1' });
      const tail = (pad: number) => {
        const text = JSON.stringify(large(pad));
        return text.length - (text.lastIndexOf('\u{1F600}') + 1);
      };
      const pad = window - tail(0);
      expect(tail(pad)).toBe(window);
      const save = (at: string, c2: 'pass' | 'fail', clusters: string[]) =>
        writer.saveRun({
          startedAt: at,
          finishedAt: at,
          entities: [
            entity({
              name: 'emoji',
              at,
              // c2's result holds what a wrongly encoded half would become (U+FFFD), followed by what follows
              // it in c1. (zlib never refers back to the window's first 262 bytes, so a wrong byte there would
              // go unnoticed; this checks the bytes at the edge are right, not that the cut is needed)
              clusters: Object.fromEntries(
                clusters.map(c => [c, c === 'c1' ? [large(pad)] : [result(`\uFFFD${'a'.repeat(20)}`, c2, scal)]]),
              ),
            }),
          ],
          clusterStatuses: clusters.map(c => status(c, at)),
        });
      const ref = 'component:default/emoji';
      await save(T1, 'pass', ['c1', 'c2']);
      expect((await store.getEntityJson(ref))!.body.toString()).toBe(await coldBody(knex, ref));
      // c2 compressed again, behind c1's kept piece, with c1's end as its dictionary
      await save(T2, 'fail', ['c2']);
      const served = (await store.getEntityJson(ref))!;
      expect(served.body.toString()).toBe(await coldBody(knex, ref));
      expect(zlib.gunzipSync(await served.gzip!()).equals(served.body)).toBe(true);
    },
  );

  it.each(databases.eachSupportedId())('read rows written before results had tokens in full, every time, %p', async id => {
    const knex = await databases.init(id);
    await saveWide(await PostureStore.fromKnex(knex), 'pass');
    const ref = 'component:default/wide';
    const expected = await coldBody(knex, ref);
    await knex('posture_entity_clusters').update({ results_token: null });
    const store = await PostureStore.fromKnex(knex, { skipMigrations: true, versionTtlMs: 0 });
    expect(await resultsRead(knex, () => store.getEntityJson(ref))).toBe(4);
    expect((await store.getEntityJson(ref))!.body.toString()).toBe(expected);
    // a new data version: nothing to reuse without a token
    await knex('posture_runs').insert({ started_at: T2, finished_at: T2, entities: 0, changed: 0, regressions: 0 });
    // what makes it a new data version, as every transaction of a save does
    await knex('posture_data_version').where('id', 1).increment('n', 1);
    expect(await resultsRead(knex, () => store.getEntityJson(ref))).toBe(4);
    expect((await store.getEntityJson(ref))!.body.toString()).toBe(expected);
  });

  it.each(databases.eachSupportedId())(
    'keep entity scorecards within a byte budget, the most recently read first, %p',
    async id => {
      const { knex } = await filled(id);
      const probe = await PostureStore.fromKnex(knex, { skipMigrations: true });
      const served = (await probe.getEntityJson('component:default/svc-01'))!;
      const size = served.length;
      // kept gzipped only: an entry costs its gzipped bytes and its overhead (one fresh cluster)
      const entry = (await served.gzip!()).length + CACHE_ENTRY_OVERHEAD + 16;
      expect(entry).toBeLessThan(size);
      // room for two scorecards, not three (the three have about the same size)
      const store = await PostureStore.fromKnex(knex, { skipMigrations: true, entityCacheBytes: Math.round(entry * 2.5) });
      let reads = 0;
      const count = (q: { sql: string }) => {
        if (/posture_entities/.test(q.sql)) reads++;
      };
      knex.on('query', count);
      const readsFor = async (name: string) => {
        const before = reads;
        await store.getEntityJson(`component:default/${name}`);
        return reads - before;
      };
      try {
        expect(await readsFor('svc-01')).toBeGreaterThan(0);
        expect(await readsFor('svc-02')).toBeGreaterThan(0);
        expect(await readsFor('svc-01')).toBe(0); // cached, and now the most recent
        expect(await readsFor('svc-03')).toBeGreaterThan(0); // over budget: svc-02 goes
        expect(await readsFor('svc-01')).toBe(0);
        expect(await readsFor('svc-03')).toBe(0);
        expect(await readsFor('svc-02')).toBeGreaterThan(0);
      } finally {
        knex.off('query', count);
      }
      // after a save the last version's scorecards are kept for their pieces, within the same budget:
      // they give way first, and one read again in the new version is dropped from the old
      type Caches = Record<'entityCache' | 'previousEntityCache', { cards: Map<string, unknown>; bytes: number } | undefined>;
      const caches = store as unknown as Caches;
      await knex('posture_runs').insert({ started_at: T2, finished_at: T2, entities: 0, changed: 0, regressions: 0 });
      await knex('posture_data_version').where('id', 1).increment('n', 1);
      await new Promise(r => setTimeout(r, 1100)); // the data version is read once a second
      // the cache held svc-03 and svc-02, most recent last
      await store.getEntityJson('component:default/svc-02');
      expect([...caches.previousEntityCache!.cards.keys()]).toEqual(['component:default/svc-03']);
      expect([...caches.entityCache!.cards.keys()]).toEqual(['component:default/svc-02']);
      expect(caches.entityCache!.bytes + caches.previousEntityCache!.bytes).toBeLessThanOrEqual(Math.round(entry * 2.5));
      await store.getEntityJson('component:default/svc-04');
      expect(caches.previousEntityCache).toBeUndefined();
      expect([...caches.entityCache!.cards.keys()]).toEqual(['component:default/svc-02', 'component:default/svc-04']);

      // a scorecard larger than the whole budget is served, never kept
      const tiny = await PostureStore.fromKnex(knex, { skipMigrations: true, entityCacheBytes: 10 });
      reads = 0;
      knex.on('query', count);
      try {
        for (let i = 0; i < 2; i++) expect((await tiny.getEntityJson('component:default/svc-01'))!.body.length).toBe(size);
        expect(reads).toBeGreaterThanOrEqual(2);
      } finally {
        knex.off('query', count);
      }
    },
  );

  it.each(databases.eachSupportedId())(
    'hand out copies, so a caller changing one cannot change later answers, %p',
    async id => {
      const { store } = await filled(id);
      const first = await store.listOverview({});
      first.points.length = 0;
      first.distribution.levels.Gold = 999;
      first.rows[0].clusters.push('x');
      const card = await store.getEntity('component:default/svc-01');
      card!.clusters.length = 0;
      const again = await store.listOverview({});
      expect(again.points.length).toBeGreaterThan(0);
      expect(again.distribution.levels.Gold).not.toBe(999);
      expect(again.rows[0].clusters).not.toContain('x');
      expect(
        (await store.getEntity('component:default/svc-01'))!.clusters,
      ).toHaveLength(1);
    },
  );

  it.each(databases.eachSupportedId())(
    'see a run saved by this store or by another replica on the same database, %p',
    async id => {
      const { knex, store } = await filled(id);
      let now = Date.parse('2026-06-01T00:00:00Z');
      const replica = await PostureStore.fromKnex(knex, {
        skipMigrations: true,
        clock: () => new Date(now),
        versionTtlMs: 1000,
      });
      const failing = async (s: PostureStore) =>
        (await s.listCheckSummaries([{ id: 'replicas' } as any]))[0]
          .failingEntities;
      const before = await replica.listOverview({ sort: 'name' });
      const beforeCard = (
        await replica.getEntityJson('component:default/svc-01')
      )?.body.toString();
      expect(await failing(replica)).toBe(await failing(store));

      // every entity fails replicas now (failEvery 1), and svc-00 is removed
      await store.saveRun({
        startedAt: T2,
        finishedAt: T2,
        entities: fleet(T2, 1).slice(1),
        removedEntityRefs: ['component:default/svc-00'],
        clusterStatuses: [status('prod', T2), status('dev', T2)],
      });
      // the replica trusts the version it read for versionTtlMs, then reads it again
      now += 999;
      expect(
        (await replica.getEntityJson('component:default/svc-01'))?.body.toString(),
      ).toBe(beforeCard);
      now += 1;
      for (const s of [store, replica]) {
        const after = await s.listOverview({ sort: 'name' });
        expect(after.total).toBe(before.total - 1);
        expect(after.rows[0].name).toBe('svc-01');
        expect(JSON.stringify(after)).not.toBe(JSON.stringify(before));
        expect(
          (await s.listOverviewJson({ sort: 'name' })).body.toString(),
        ).toBe(JSON.stringify(after));
        const card = (
          await s.getEntityJson('component:default/svc-01')
        )?.body.toString();
        expect(card).not.toBe(beforeCard);
        expect(JSON.parse(card!).updatedAt).toBe(T2);
        expect(await s.getEntity('component:default/svc-00')).toBeUndefined();
        // svc-01..29 but svc-09, 19 and 29 have workloads, all failing
        expect(await failing(s)).toBe(26);
      }
    },
  );

  it.each(databases.eachSupportedId())(
    'mark clusters whose data is too old stale in the JSON, as the router asks, %p',
    async id => {
      const { store } = await filled(id);
      const ref = 'component:default/svc-01';
      const plain = JSON.parse(
        (await store.getEntityJson(ref))!.body.toString(),
      );
      expect(plain.clusters[0].stale).toBe(false);
      const aged = JSON.parse(
        (await store.getEntityJson(
          ref,
          at => at !== null && at <= T1,
        ))!.body.toString(),
      );
      expect(aged.clusters[0].stale).toBe(true);
      expect({ ...aged, clusters: [] }).toEqual({ ...plain, clusters: [] });
      // the cached answer itself is unchanged
      expect(
        JSON.parse((await store.getEntityJson(ref))!.body.toString()),
      ).toEqual(plain);
    },
  );
});

describe('serialised bodies', () => {
  it('gzips a tagged (shared) body once and keeps it; an untagged one has no gzip', async () => {
    const json = JSON.stringify({ rows: Array.from({ length: 200 }, (_, i) => ({ entityRef: `component:default/svc-${i}` })) });
    const shared = serialised(json, true);
    const first = shared.gzip!();
    expect(shared.gzip!()).toBe(first);
    const gz = await first;
    expect(zlib.gunzipSync(gz).toString('utf8')).toBe(json);
    expect(gz.length * 5).toBeLessThan(shared.body.length);
    expect(serialised(json, false).gzip).toBeUndefined();
  });
});

/** A body kept gzipped, as the entity cache keeps one, under its own tag. */
async function compressJson(json: string): Promise<CompressedJson> {
  const body = Buffer.from(json, 'utf8');
  return { gzipped: await gzipBody(body), length: body.length, etag: `W/"${body.length}"` };
}

describe('compressed bodies', () => {
  it('serve the bytes they were made from, gzipped as kept, under their tag', async () => {
    const json = JSON.stringify({ results: Array.from({ length: 50 }, (_, i) => ({ checkId: `c-${i}`, status: 'pass' })) });
    const plain = serialised(json, true);
    const kept = await compressJson(json);
    expect(kept.gzipped.length).toBeLessThan(plain.length / 4);
    const body = compressedBody(kept);
    expect(body.length).toBe(plain.length);
    expect(body.etag).toBe(kept.etag);
    expect((await body.plain!()).equals(plain.body)).toBe(true);
    expect(body.body.equals(plain.body)).toBe(true);
    expect(await body.gzip!()).toBe(kept.gzipped);
    expect(await inflateJson(kept)).toBe(json);
  });
});

describe('where a body is compressed', () => {
  afterEach(() => jest.restoreAllMocks());

  // a body of n bytes that compresses as JSON does
  const jsonOf = (bytes: number) => {
    const row = JSON.stringify({ checkId: 'workload-memory-limit', status: 'pass' });
    const rows: string[] = [];
    for (let n = 2; n < bytes - row.length; n += row.length + 1) rows.push(row);
    return `[${rows.join(',')}]`;
  };

  it('small bodies in place, large ones on the thread pool, the same bytes either way', async () => {
    const inPlace = jest.spyOn(zlib, 'gzipSync');
    const pooled = jest.spyOn(zlib, 'gzip');
    const small = Buffer.from(jsonOf(SYNC_GZIP_BYTES));
    const large = Buffer.from(jsonOf(SYNC_GZIP_BYTES * 3));
    expect(small.length).toBeLessThanOrEqual(SYNC_GZIP_BYTES);
    expect(large.length).toBeGreaterThan(SYNC_GZIP_BYTES);

    expect(zlib.gunzipSync(await gzipBody(small)).equals(small)).toBe(true);
    expect([inPlace.mock.calls.length, pooled.mock.calls.length]).toEqual([1, 0]);
    expect(zlib.gunzipSync(await gzipBody(large)).equals(large)).toBe(true);
    expect(pooled).toHaveBeenCalledTimes(1);
  });

  it('inflates by the kept plain length: in place up to SYNC_GUNZIP_BYTES, on the pool above', async () => {
    const inPlace = jest.spyOn(zlib, 'gunzipSync');
    const pooled = jest.spyOn(zlib, 'gunzip');
    const small = jsonOf(SYNC_GUNZIP_BYTES);
    const large = jsonOf(SYNC_GUNZIP_BYTES * 2);
    expect(await inflateJson(await compressJson(small))).toBe(small);
    expect(await compressedBody(await compressJson(small)).plain!()).toEqual(Buffer.from(small));
    expect([inPlace.mock.calls.length, pooled.mock.calls.length]).toEqual([2, 0]);
    expect(await inflateJson(await compressJson(large))).toBe(large);
    expect(pooled).toHaveBeenCalledTimes(1);
  });

  it('a corrupt body rejects rather than throwing, in place as on the pool', async () => {
    const bad = { gzipped: Buffer.from('not gzip'), length: 10, etag: 'W/"x"' };
    for (const c of [bad, { ...bad, length: SYNC_GUNZIP_BYTES + 1 }]) {
      // plain() is not itself async: an inflate done in place must still fail as a rejection
      let result: Promise<Buffer> | undefined;
      expect(() => {
        result = compressedBody(c).plain!();
      }).not.toThrow();
      await expect(result).rejects.toThrow();
    }
  });
});
