import { EntityClusterDbRow, EntityDbRow, bool } from './rows';
import { StoredClusterStatus, entityJson, markOld } from './entityJson';

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
