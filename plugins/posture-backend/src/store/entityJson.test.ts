import { TestDatabases } from '@backstage/backend-test-utils';
import { EntityClusterDbRow, EntityDbRow, T, bool } from './rows';
import { EntityJson, StoredClusterStatus, arrayElements, entityParts, markOld } from './entityJson';
import { PostureStore } from './PostureStore';

jest.setTimeout(120_000);

// PostgreSQL runs when BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING is set; never start a container
const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'], disableDocker: true });

/** The parts joined as the store joins them: each cluster's results in turn, then the entity's own. */
function entityJson(
  row: EntityDbRow,
  clusterRows: EntityClusterDbRow[],
  statuses: Map<string, StoredClusterStatus>,
): EntityJson {
  const { head, tail, fresh } = entityParts(row, clusterRows, statuses);
  const elements = [...clusterRows.map(c => c.results), row.results].map(arrayElements).filter(e => e !== '');
  return { json: `${head}${elements.join(',')}${tail}`, fresh };
}

/** What the store served before: every JSON column parsed, the scorecard built, then serialised. */
function parsedAndSerialised(
  row: EntityDbRow,
  clusterRows: EntityClusterDbRow[],
  statuses: Map<string, StoredClusterStatus>,
  isOld?: (at: string | null) => boolean,
): string {
  const clusters = clusterRows.map(c => {
    const status = statuses.get(c.cluster);
    const stale = bool(c.stale) || bool(status?.stale);
    return {
      cluster: c.cluster,
      collectedAt: c.collected_at,
      stale: stale || (isOld ? isOld(c.collected_at) : false),
      error: status?.error ?? c.error,
      workloads: JSON.parse(c.workloads),
      scorecard: JSON.parse(c.scorecard),
      ...(c.resources ? { resources: JSON.parse(c.resources) } : {}),
    };
  });
  return JSON.stringify({
    entityRef: row.entity_ref,
    kind: row.kind,
    namespace: row.namespace,
    name: row.name,
    title: row.title,
    owner: row.owner,
    system: row.system,
    lifecycle: row.lifecycle,
    match: JSON.parse(row.match),
    state: row.state,
    combined: row.combined === null ? null : JSON.parse(row.combined),
    clusters,
    results: [...clusterRows.flatMap(c => JSON.parse(c.results)), ...JSON.parse(row.results)],
    updatedAt: row.updated_at,
    lastChangedAt: row.last_changed_at,
  });
}

const hostile = 'a"b\\c\u0000\u001b[31m\u2028\u0085 é 𝄞 </script>';

function entityRow(over: Partial<EntityDbRow> = {}): EntityDbRow {
  return {
    entity_ref: 'component:default/web',
    kind: 'Component',
    namespace: 'default',
    name: 'web',
    title: hostile,
    owner: 'group:default/team-a',
    system: null,
    lifecycle: 'production',
    clusters: JSON.stringify(['east', 'west']),
    state: 'scored',
    scalability: 80,
    security: 70,
    overall: 75,
    grade: 'C',
    scalability_grade: 'B',
    security_grade: 'C',
    level: 'bronze',
    pss_level: 'baseline',
    last_changed_at: '2026-12-01T00:00:00.000Z',
    match: JSON.stringify({ annotations: { 'backstage.io/kubernetes-id': hostile }, '10': 1, b: [1.5, -0, 1e21] }),
    combined: JSON.stringify({ scores: { security: 70 }, note: hostile }),
    results: JSON.stringify([{ checkId: 'entity-own', status: 'fail', message: hostile }]),
    updated_at: '2026-12-02T00:00:00.000Z',
    ...over,
  } as EntityDbRow;
}

function clusterRow(cluster: string, over: Partial<EntityClusterDbRow> = {}): EntityClusterDbRow {
  return {
    entity_ref: 'component:default/web',
    cluster,
    collected_at: '2026-12-01T10:00:00.000Z',
    stale: 0,
    error: null,
    workloads: JSON.stringify([{ kind: 'Deployment', name: hostile }]),
    scorecard: JSON.stringify({ overall: 75, counts: { pass: 3 } }),
    results: JSON.stringify([
      { checkId: 'run-as-non-root', status: 'pass', subject: { name: hostile }, evidence: [] },
      { checkId: 'cpu-limits', status: 'fail', evidence: [{ path: 'spec', value: hostile }] },
    ]),
    resources: null,
    ...over,
  };
}

describe('entityJson', () => {
  it('serves the bytes that parsing every column and serialising the scorecard gave', () => {
    const row = entityRow();
    const rows = [
      clusterRow('east', { resources: JSON.stringify([{ workload: 'web', cpu: 0.5 }]) }),
      clusterRow('west', { stale: 1, error: 'unreachable', results: '[]' }),
      clusterRow('north', { stale: false, collected_at: '2026-11-01T00:00:00.000Z' }),
    ];
    const statuses = new Map<string, StoredClusterStatus>([
      ['east', { error: null, stale: null }],
      ['north', { error: `timed out ${hostile}`, stale: true }],
    ]);
    const e = entityJson(row, rows, statuses);
    expect(e.json).toBe(parsedAndSerialised(row, rows, statuses));
    expect(e.fresh.map(f => f.collectedAt)).toEqual(['2026-12-01T10:00:00.000Z']);
  });

  it('handles an entity with no cluster rows, no combined scorecard and no results', () => {
    const row = entityRow({ combined: null, results: '[]', title: null, last_changed_at: null });
    const e = entityJson(row, [], new Map());
    expect(e.json).toBe(parsedAndSerialised(row, [], new Map()));
    expect(JSON.parse(e.json)).toMatchObject({ clusters: [], results: [], combined: null });
    expect(e.fresh).toEqual([]);
  });

  it('omits a field the row does not have, as JSON.stringify does', () => {
    const row = entityRow();
    delete (row as Partial<EntityDbRow>).last_changed_at;
    const rows = [clusterRow('east')];
    expect(entityJson(row, rows, new Map()).json).toBe(parsedAndSerialised(row, rows, new Map()));
    expect(JSON.parse(entityJson(row, rows, new Map()).json)).not.toHaveProperty('lastChangedAt');
  });

  it('keeps results in order: each cluster in turn, then the entity own', () => {
    const row = entityRow({ results: JSON.stringify([{ id: 'own' }]) });
    const rows = [
      clusterRow('a', { results: JSON.stringify([{ id: 'a1' }, { id: 'a2' }]) }),
      clusterRow('b', { results: '[]' }),
      clusterRow('c', { results: JSON.stringify([{ id: 'c1' }]) }),
    ];
    expect(JSON.parse(entityJson(row, rows, new Map()).json).results.map((r: { id: string }) => r.id)).toEqual([
      'a1',
      'a2',
      'c1',
      'own',
    ]);
  });

  it('refuses stored results that are not an array instead of serving broken JSON', () => {
    expect(() => entityJson(entityRow(), [clusterRow('east', { results: '{"x":1}' })], new Map())).toThrow(
      'stored results are not a JSON array',
    );
  });

  it('marks fresh clusters stale when the caller finds them too old, as mapping the parsed scorecard did', () => {
    const row = entityRow();
    const rows = [
      clusterRow('a', { collected_at: '2026-01-01T00:00:00.000Z' }),
      clusterRow('b', { collected_at: '2026-12-01T00:00:00.000Z' }),
      clusterRow('c', { collected_at: '2025-06-01T00:00:00.000Z', stale: 1 }),
      clusterRow('d', { collected_at: null as unknown as string }),
    ];
    const e = entityJson(row, rows, new Map());
    const isOld = (at: string | null) => at === null || at < '2026-06-01';
    const marked = markOld(e, isOld);
    expect(marked).toBe(parsedAndSerialised(row, rows, new Map(), isOld));
    expect(JSON.parse(marked).clusters.map((c: { stale: boolean }) => c.stale)).toEqual([true, false, true, true]);
    // nothing old: the cached text itself
    expect(markOld(e, () => false)).toBe(e.json);
  });
});

describe('the scorecard as the store serves it', () => {
  // PostgreSQL's text columns refuse NUL, so the plain columns get the rest of the hostile string
  const plain = hostile.replace('\u0000', '');
  const ref = 'component:default/web';
  const clusterNames = ['east', 'north', 'south', 'west'];

  async function stored(id: Parameters<typeof databases.init>[0]) {
    const knex = await databases.init(id);
    const store = await PostureStore.fromKnex(knex, { versionTtlMs: 0 });
    const row = entityRow({ title: plain, clusters: JSON.stringify(clusterNames) });
    // results long enough that the pieces after the first are compressed against the one before
    const results = (cluster: string, n: number) =>
      JSON.stringify(
        Array.from({ length: n }, (_, i) => ({
          checkId: `check-${i % 7}`,
          status: i % 3 ? 'pass' : 'fail',
          subject: { name: `${cluster}-${i} ${hostile}` },
          evidence: [{ path: 'spec.template.spec.containers[0]', value: hostile }],
        })),
      );
    const rows: EntityClusterDbRow[] = [
      clusterRow('east', { resources: JSON.stringify([{ workload: 'web', cpu: 0.5 }]), results: results('east', 400) }),
      clusterRow('north', { stale: false, collected_at: '2026-11-01T00:00:00.000Z', results: results('north', 300) }),
      clusterRow('south', { results: '[]' }),
      clusterRow('west', { stale: true, error: 'unreachable', results: results('west', 2) }),
    ].map((r, i) => ({ ...r, stale: bool(r.stale), results_token: `token-${i}` }));
    const statuses = new Map<string, StoredClusterStatus>([
      ['east', { error: null, stale: null }],
      ['north', { error: `timed out ${plain}`, stale: true }],
    ]);
    await knex(T.clusters).insert(
      clusterNames.map(name => ({
        name,
        type: 'config',
        collected_at: '2026-12-01T10:00:00.000Z',
        last_attempt_at: '2026-12-01T10:00:00.000Z',
        duration_ms: 1,
        object_counts: '{}',
        error: statuses.get(name)?.error ?? null,
        stale: bool(statuses.get(name)?.stale),
      })),
    );
    await knex(T.entities).insert(row);
    await knex(T.entityClusters).insert(rows);
    return { knex, store, row, rows, statuses, results };
  }

  async function served(store: PostureStore, isOld?: (at: string | null) => boolean): Promise<string> {
    const body = await store.getEntityJson(ref, isOld);
    return (await body!.plain!()).toString('utf8');
  }

  /** a save, as far as the caches see one: a new run */
  async function newRun(knex: Awaited<ReturnType<typeof stored>>['knex']) {
    const at = new Date().toISOString();
    await knex(T.runs).insert({ started_at: at, finished_at: at, entities: 1, changed: 1, regressions: 0 });
    // what makes it a new data version, as every transaction of a save does
    await knex(T.dataVersion).where('id', 1).increment('n', 1);
  }

  it.each(databases.eachSupportedId())(
    '%p: serves the bytes that parsing every column and serialising the scorecard give, cold and after a cluster changes',
    async id => {
      const { knex, store, row, rows, statuses, results } = await stored(id);
      expect(await served(store)).toBe(parsedAndSerialised(row, rows, statuses));

      // one cluster's results change: the others' pieces are kept, and the bytes are still the same
      const changed = rows.map(r => (r.cluster === 'north' ? { ...r, results: results('north*', 301), results_token: 'token-n2' } : r));
      await knex(T.entityClusters)
        .where({ entity_ref: ref, cluster: 'north' })
        .update({ results: changed[1].results, results_token: 'token-n2' });
      await newRun(knex);
      expect(await served(store)).toBe(parsedAndSerialised(row, changed, statuses));

      // the cluster before it changes: north's piece was compressed against east's old results
      const east = changed.map(r => (r.cluster === 'east' ? { ...r, results: results('east*', 399), results_token: 'token-e2' } : r));
      await knex(T.entityClusters)
        .where({ entity_ref: ref, cluster: 'east' })
        .update({ results: east[0].results, results_token: 'token-e2' });
      await newRun(knex);
      expect(await served(store)).toBe(parsedAndSerialised(row, east, statuses));

      // an empty cluster gains results, and the one before it loses them
      const updates: Record<string, Partial<EntityClusterDbRow>> = {
        south: { results: results('south', 5), results_token: 'token-s2' },
        north: { results: '[]', results_token: 'token-n3' },
      };
      const again = east.map(r => ({ ...r, ...updates[r.cluster] }));
      for (const r of again.filter(x => x.cluster === 'south' || x.cluster === 'north')) {
        await knex(T.entityClusters)
          .where({ entity_ref: ref, cluster: r.cluster })
          .update({ results: r.results, results_token: r.results_token });
      }
      await newRun(knex);
      expect(await served(store)).toBe(parsedAndSerialised(row, again, statuses));

      const isOld = (at: string | null) => at === null || at < '2026-11-15';
      expect(await served(store, isOld)).toBe(parsedAndSerialised(row, again, statuses, isOld));
    },
  );

  it.each(databases.eachSupportedId())('%p: an entity in no cluster, with no results', async id => {
    const { knex, store } = await stored(id);
    const row = entityRow({ entity_ref: 'component:default/alone', name: 'alone', title: null, combined: null, results: '[]' });
    await knex(T.entities).insert(row);
    const body = await store.getEntityJson(row.entity_ref);
    expect((await body!.plain!()).toString('utf8')).toBe(parsedAndSerialised(row, [], new Map()));
  });
});
