import { TestDatabases } from '@backstage/backend-test-utils';
import { ClusterStatus, EntityScorecard, ScoringOptions, tallyResults } from '@posture-dev/backstage-plugin-posture-common';
import { PostureStore } from './PostureStore';
import { serialiseClusterResults } from './tallies';
import { entity, pssLevelOf, result, status } from './testFixtures';
import { SaveRunEntity, SaveRunInput } from './types';

jest.setTimeout(60_000);

// PostgreSQL runs when BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING is set; never start a container
const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'], disableDocker: true });

const scoring: ScoringOptions = { pssLevelOf, weights: { critical: 10, high: 5, medium: 3, low: 1 } };

/** The entity with each cluster's results moved into `serialised`, as the collection thread sends them. */
function serialisedForm(e: EntityScorecard): SaveRunEntity {
  const serialised: SaveRunEntity['serialised'] = {};
  for (const c of e.clusters) {
    const results = e.results.filter(r => r.cluster === c.cluster);
    serialised[c.cluster] = serialiseClusterResults(results, tallyResults(results, scoring));
  }
  return { ...e, results: [], serialised };
}

/** The serialised form with each cluster's JSON as UTF-8 bytes, as a collection thread transfers them. */
function bytesForm(e: EntityScorecard): SaveRunEntity {
  const form = serialisedForm(e);
  for (const [cluster, s] of Object.entries(form.serialised!)) {
    // a view into a larger buffer, as packChunk makes them
    const text = Buffer.from(`xx${s.json}yy`, 'utf8');
    form.serialised![cluster] = { ...s, json: new Uint8Array(text.buffer, text.byteOffset + 2, text.length - 4) };
  }
  return form;
}

const run = (at: string, entities: SaveRunEntity[], clusterStatuses: ClusterStatus[]): SaveRunInput => ({
  startedAt: at,
  finishedAt: at,
  clusterStatuses,
  entities,
  scoring,
});

// two clusters saved by separate runs, so that the second combines its fresh results with the first's kept row
const east = entity({
  name: 'shop',
  clusters: {
    east: [
      result('privileged-container', 'fail', { severity: 'critical' }),
      { ...result('run-as-non-root', 'pass'), message: 'runs as non-root ✓ (UID 1000, « café »)' },
      result('replicas', 'not-applicable', { pillar: 'scalability' }),
    ],
  },
});
const west = entity({
  name: 'shop',
  clusters: {
    west: [
      result('run-as-non-root', 'fail', { severity: 'high' }),
      result('replicas', 'fail', { pillar: 'scalability', severity: 'low' }),
      result('replicas', 'fail', { pillar: 'scalability', severity: 'low', workload: 'worker' }),
    ],
  },
});
const T1 = '2025-03-01T10:00:00.000Z';
const T2 = '2025-03-01T11:00:00.000Z';

describe.each(databases.eachSupportedId())('saving serialised results, %p', databaseId => {
  async function saved(form: (e: EntityScorecard) => SaveRunEntity) {
    const store = await PostureStore.fromKnex(await databases.init(databaseId));
    await store.saveRun(run(T1, [form(east)], [status('east', T1)]));
    await store.saveRun(run(T2, [form(west)], [status('west', T2)]));
    return {
      entity: await store.getEntity('component:default/shop'),
      json: (await store.getEntityJson('component:default/shop'))?.body.toString('utf8'),
      overview: await store.listOverview({}),
      failures: await store.failuresOf(['component:default/shop']),
      history: await store.historyOf(undefined),
    };
  }

  it('stores exactly what saving the results as objects stores', async () => {
    const plain = await saved(e => e);
    const serialised = await saved(serialisedForm);
    expect(serialised).toEqual(plain);
    expect(await saved(bytesForm)).toEqual(plain);
    // and the combined score covers both clusters' tallies
    expect(serialised.entity?.combined?.counts).toEqual({ pass: 1, fail: 4, 'not-applicable': 1, exempt: 0, error: 0 });
    expect(serialised.entity?.results.map(r => r.cluster).sort()).toEqual(['east', 'east', 'east', 'west', 'west', 'west']);
    expect(serialised.failures.get('component:default/shop')?.map(f => f.checkId).sort()).toEqual([
      'privileged-container',
      'replicas',
      'run-as-non-root',
    ]);
  });

  it('hashes a row alike whether its results come as objects, text or bytes with their digest', async () => {
    const knex = await databases.init(databaseId);
    const store = await PostureStore.fromKnex(knex);
    const token = async () =>
      (await knex('posture_entity_clusters').where({ entity_ref: 'component:default/shop', cluster: 'east' }).first('results_token'))
        .results_token;
    await store.saveRun(run(T1, [east], [status('east', T1)]));
    const first = await token();
    // the collection thread's form, with the digest it made of the text: the same row, not written again
    const bytes = bytesForm(east);
    expect(bytes.serialised!.east.digest).toMatch(/^[0-9a-f]{64}$/);
    await store.saveRun(run(T2, [bytes], [status('east', T2)]));
    expect(await token()).toBe(first);
    // and without a digest, the store makes the same one
    await store.saveRun(run(T2, [{ ...bytes, serialised: { east: { ...bytes.serialised!.east, digest: undefined } } }], [status('east', T2)]));
    expect(await token()).toBe(first);
    // other results under the same digest would hide a change: a digest must at least look like one
    await expect(
      store.saveRun(run(T2, [{ ...bytes, serialised: { east: { ...bytes.serialised!.east, digest: 'x' } } }], [status('east', T2)])),
    ).rejects.toThrow('malformed results digest');
  });

  it('refuses serialised results for a cluster the entity does not list, or listed twice', async () => {
    const store = await PostureStore.fromKnex(await databases.init(databaseId));
    const form = serialisedForm(east);
    await expect(
      store.saveRun(run(T1, [{ ...form, serialised: { west: form.serialised!.east } }], [status('east', T1)])),
    ).rejects.toThrow('Entity component:default/shop has results serialised for west, which is not one of its clusters');
    await expect(store.saveRun(run(T1, [{ ...form, results: east.results }], [status('east', T1)]))).rejects.toThrow(
      'Entity component:default/shop has results for a cluster both serialised and not',
    );
    await expect(
      store.saveRun(run(T1, [{ ...form, serialised: { east: { json: '[]' } as never } }], [status('east', T1)])),
    ).rejects.toThrow('needs json, tally and failing');
    expect(await store.getEntity('component:default/shop')).toBeUndefined();
  });

  it('sends large results in statements of about a MiB each, and stores all of them', async () => {
    const knex = await databases.init(databaseId);
    const store = await PostureStore.fromKnex(knex);
    // 12 entities of ~250 KB of results each: ~3 MB, in one insert by row count alone
    const long = 'x'.repeat(2_500);
    const big = Array.from({ length: 12 }, (_, i) =>
      entity({
        name: `big-${i}`,
        clusters: {
          east: Array.from({ length: 100 }, (_, k) => ({ ...result(`check-${k}`, 'fail'), message: `${long} ${i}/${k}` })),
        },
      }),
    );
    const inserts: number[] = [];
    const onQuery = (q: { sql: string; bindings?: unknown[] }) => {
      if (/^insert into [`"]posture_entity_clusters[`"]/.test(q.sql)) {
        inserts.push((q.bindings ?? []).reduce<number>((n, b) => n + (typeof b === 'string' || b instanceof Uint8Array ? b.length : 8), 0));
      }
    };
    knex.on('query', onQuery);
    try {
      await store.saveRun(run(T1, big.map(bytesForm), [status('east', T1)]));
    } finally {
      knex.removeListener('query', onQuery);
    }
    expect(inserts.length).toBeGreaterThanOrEqual(3);
    // each at most a MiB, but for the row that took it over
    expect(inserts.reduce((a, b) => Math.max(a, b), 0)).toBeLessThan(1024 * 1024 + 300_000);
    for (const e of big) {
      const stored = await store.getEntity(e.entityRef);
      expect(stored?.results.map(r => r.message)).toEqual(e.results.map(r => r.message));
    }
  });

  it('has PostgreSQL compress results with lz4 where the server can', async () => {
    const knex = await databases.init(databaseId);
    await PostureStore.fromKnex(knex);
    if (knex.client.config.client !== 'pg') return;
    const lz4 = await knex.raw("SELECT 1 FROM pg_settings WHERE name = 'default_toast_compression' AND 'lz4' = ANY(enumvals)");
    const { rows } = await knex.raw(
      "SELECT attname, attcompression FROM pg_attribute WHERE attrelid = 'posture_entity_clusters'::regclass AND attname IN ('results', 'workloads') ORDER BY attname",
    );
    const expected = lz4.rows.length > 0 ? 'l' : '';
    expect(rows).toEqual([
      { attname: 'results', attcompression: expected },
      { attname: 'workloads', attcompression: expected },
    ]);
  });
});
