import { TestDatabases } from '@backstage/backend-test-utils';
import { CampaignService } from '../campaigns/service';
import { CampaignNoticeStore, CampaignStateStore } from './campaigns';
import { PostureStore } from './PostureStore';
import { entity, result, status } from './testFixtures';

jest.setTimeout(60_000);

// PostgreSQL runs when BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING is set; never start a container
const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'], disableDocker: true });

describe.each(databases.eachSupportedId())('campaign storage on %p', databaseId => {
  async function setup() {
    const knex = await databases.init(databaseId);
    const store = await PostureStore.fromKnex(knex);
    return { knex, store };
  }

  it('claims a notice once per (campaign, window, owner)', async () => {
    const { knex } = await setup();
    const ledger = new CampaignNoticeStore(knex);
    const key = { campaignId: 'c', window: '2027-03-31', owner: 'group:default/x' };
    const at = new Date('2027-03-20T00:00:00Z');
    expect(await ledger.claim(key, at)).toBe(true);
    expect(await ledger.claim(key, at)).toBe(false);
    expect(await ledger.claim({ ...key, window: '2027-04-30' }, at)).toBe(true);
    await ledger.record(key, 'logged');
    expect(await ledger.list('c')).toEqual([
      { window: '2027-03-31', owner: 'group:default/x', outcome: 'logged' },
      { window: '2027-04-30', owner: 'group:default/x', outcome: 'pending' },
    ]);
  });

  it('reads failures per entity and history in time order, across more refs than one query takes', async () => {
    const { knex, store } = await setup();
    await store.saveRun({
      startedAt: '2026-01-01T00:00:00.000Z',
      finishedAt: '2026-01-01T00:00:00.000Z',
      clusterStatuses: [status('prod', '2026-01-01T00:00:00.000Z')],
      entities: [
        entity({ name: 'a', clusters: { prod: [result('pss-privileged', 'fail', { severity: 'critical' })] } }),
        entity({ name: 'b', clusters: { prod: [result('pss-privileged', 'pass')] } }),
      ],
    });
    const failures = await store.failuresOf(['Component:default/A', 'component:default/b']);
    expect(failures.get('component:default/a')).toEqual([{ checkId: 'pss-privileged', severity: 'critical', pillar: 'security' }]);
    expect(failures.has('component:default/b')).toBe(false);

    // 1200 entities, one point each, at times that interleave across the 500-ref query batches
    const refs = Array.from({ length: 1200 }, (_, i) => `component:default/e${String(i).padStart(4, '0')}`);
    const rows = refs.map((ref, i) => ({
      entity_ref: ref,
      at: new Date(Date.UTC(2026, 1, 1) + ((i * 7919) % 1200) * 60_000).toISOString(),
      scalability: 50,
      security: 60,
      overall: 55,
      grade: 'F',
      level: 'None',
      pss_level: 'baseline',
      regression: null,
    }));
    for (let i = 0; i < rows.length; i += 200) await knex('posture_history').insert(rows.slice(i, i + 200));
    const history = await store.historyOf(refs);
    expect(history).toHaveLength(1200);
    const times = history.map(h => h.at);
    expect(times).toEqual([...times].sort());
    expect(await store.historyOf(refs.slice(0, 3), '2026-02-01T00:10:00.000Z')).toEqual(
      (await store.historyOf(refs.slice(0, 3))).filter(h => h.at >= '2026-02-01T00:10:00.000Z'),
    );
    // all entities: the two saved above and the 1200
    expect(await store.historyOf(undefined)).toHaveLength(1202);
  });

  it("records a check target's met/short states only when they change, and serves them as its burn-down", async () => {
    const { knex, store } = await setup();
    const states = new CampaignStateStore(knex);
    const save = (at: string, privileged: boolean) =>
      store.saveRun({
        startedAt: at,
        finishedAt: at,
        clusterStatuses: [status('prod', at)],
        entities: [
          entity({ name: 'a', clusters: { prod: [result('pss-privileged', privileged ? 'fail' : 'pass', { severity: 'critical' })] } }),
          entity({ name: 'b', clusters: { prod: [result('pss-privileged', 'pass')] } }),
        ],
      });
    const org = { groupTree: async (r: string) => [r], childGroups: async () => [], entitiesTagged: async () => new Set<string>() };
    let now = new Date('2026-01-01T00:00:00.000Z');
    const service = new CampaignService({
      store,
      org,
      checks: () => [],
      states,
      clock: () => now,
      campaigns: [
        { id: 'no-priv', title: 'No privileged', description: null, target: { type: 'check', checkId: 'pss-privileged' }, deadline: '2027-01-01', startsAt: null, scope: {}, notifyDaysBefore: 14 },
      ],
    });
    await save('2026-01-01T00:00:00.000Z', true);
    expect(await service.recordStates()).toBe(2);
    now = new Date('2026-01-01T00:15:00.000Z');
    expect(await service.recordStates()).toBe(0);
    await save('2026-01-02T00:00:00.000Z', false);
    now = new Date('2026-01-02T00:15:00.000Z');
    expect(await service.recordStates()).toBe(1);

    now = new Date('2026-01-03T00:00:00.000Z');
    const detail = await service.detail('no-priv');
    expect(detail.progress).toMatchObject({ total: 2, met: 2 });
    expect(detail.burndown).toEqual([
      { at: '2026-01-01T00:00:00.000Z', short: 1, total: 2 },
      { at: '2026-01-02T00:15:00.000Z', short: 0, total: 2 },
      { at: '2026-01-03T00:00:00.000Z', short: 0, total: 2 },
    ]);
    // a reader who may see only b gets b's states alone
    const limited = await service.detail('no-priv', new Set(['component:default/b']));
    expect(limited.burndown.map(p => p.short)).toEqual([0, 0]);
  });
});
